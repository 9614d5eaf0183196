using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Sandbox;

namespace Portal.Tests.Sandbox;

// The sandbox's /_control API for one provider, as tests use it.
public sealed class SandboxControl(RunningSandbox sandbox, string provider) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(sandbox.BaseUrl, $"sandbox/{provider}/_control/") };

    public async Task<JsonNode> PostAsync(string path, object? body = null)
    {
        using var response = await _http.PostAsJsonAsync(path, body ?? new { });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Control call {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!;
    }

    // For calls expected to be refused: the answer as it is.
    public Task<HttpResponseMessage> PostRawAsync(string path, object? body = null) => _http.PostAsJsonAsync(path, body ?? new { });

    public Task SetDeliveryModeAsync(string mode) => PostAsync("webhooks/mode", new { mode });

    public Task InjectFaultAsync(string kind, int count = 1, string? method = null, string? pathContains = null, int? delayMs = null) =>
        PostAsync("faults", new { kind, count, method, path_contains = pathContains, delay_ms = delayMs });

    // Waits for the sandbox to report every webhook delivery as succeeded or given up on.
    public async Task<JsonArray> WaitUntilDeliveriesSettledAsync(int timeoutMs = 10_000)
    {
        using var response = await _http.GetAsync($"webhooks/settled?timeoutMs={timeoutMs}");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"deliveries did not settle: {body.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}");
        return body["deliveries"]!.AsArray();
    }

    public void Dispose() => _http.Dispose();
}
