using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Portal.Sandbox.Common;

// Control endpoints both providers share, under /sandbox/{provider}/_control: webhook delivery mode and inspection,
// and injected API failures.
public static class SandboxControlEndpoints
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void MapSharedControl(this RouteGroupBuilder control, SandboxProvider provider)
    {
        control.MapPost("/webhooks/mode", async (HttpContext context, WebhookQueue queue) =>
        {
            var body = await ReadJsonAsync(context);
            var text = body["mode"]?.GetValue<string>() ?? "";
            if (!Enum.TryParse<WebhookDeliveryMode>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var mode))
            {
                return Results.BadRequest(new { error = "mode must be normal, duplicate, out_of_order or lost" });
            }

            queue.SetMode(provider, mode);
            return Results.Json(new { mode }, Json);
        });

        control.MapGet("/webhooks/deliveries", (WebhookQueue queue) => Results.Json(Describe(queue.Snapshot(provider)), Json));

        // Long-polls (real time) until every delivery has succeeded or been given up on.
        control.MapGet("/webhooks/settled", async (WebhookQueue queue, int? timeoutMs, CancellationToken cancellationToken) =>
        {
            var settled = await queue.WaitUntilSettledAsync(provider, TimeSpan.FromMilliseconds(timeoutMs ?? 10_000), cancellationToken);
            return Results.Json(
                new { settled, deliveries = Describe(queue.Snapshot(provider)) },
                Json,
                statusCode: settled ? StatusCodes.Status200OK : StatusCodes.Status408RequestTimeout);
        });

        control.MapPost("/faults", async (HttpContext context, FaultInjector faults) =>
        {
            var body = await ReadJsonAsync(context);
            var kindText = (body["kind"]?.GetValue<string>() ?? "").Replace("_", "", StringComparison.Ordinal);
            if (!Enum.TryParse<SandboxFaultKind>(kindText, ignoreCase: true, out var kind))
            {
                return Results.BadRequest(new { error = "kind must be rate_limit, server_error, bare_error, drop_response or delay_response" });
            }

            var fault = new SandboxFault(
                kind,
                body["method"]?.GetValue<string>(),
                body["path_contains"]?.GetValue<string>(),
                TimeSpan.FromMilliseconds(body["delay_ms"]?.GetValue<int>() ?? 5_000));
            var count = body["count"]?.GetValue<int>() ?? 1;
            faults.Inject(provider, fault, count);
            return Results.Json(new { kind, count }, Json);
        });

        control.MapDelete("/faults", (FaultInjector faults) =>
        {
            faults.Clear(provider);
            return Results.NoContent();
        });
    }

    public static async Task<JsonObject> ReadJsonAsync(HttpContext context)
    {
        if (context.Request.ContentLength is 0 || !(context.Request.HasJsonContentType()))
        {
            return [];
        }

        return await context.Request.ReadFromJsonAsync<JsonObject>() ?? [];
    }

    private static object Describe(IReadOnlyList<WebhookDelivery> deliveries) => deliveries.Select(d => new
    {
        d.Id,
        Url = d.Url.ToString(),
        d.EventIds,
        d.EventTypes,
        d.IsDuplicate,
        d.State,
        d.Sequence,
        Attempts = d.Attempts.Select(a => new { a.Number, a.At, a.StatusCode, a.Error }),
    }).ToList();
}
