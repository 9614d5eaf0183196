using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.Api;
using Portal.Domain.ApiKeys;

namespace Portal.Tests.Fixture;

/// <summary>Calling the REST API as an integration would: over HTTP, with a key the firm's owner made.</summary>
public static class ApiCalls
{
    public static Task<NewApiKey> AnApiKeyAsync(this PortalApp app, TestFirm firm, ApiKeyScope scope = ApiKeyScope.ReadWrite, string name = "Accounting sync",
        DateOnly? expiresOn = null, ApiResources resources = ApiResources.All) =>
        app.AsStaffOfAsync<ApiKeys, NewApiKey>(firm, keys => keys.CreateAsync(name, scope, resources, expiresOn));

    /// <summary>An HTTP client sending <paramref name="secret"/> as its bearer token (none when null).</summary>
    public static HttpClient ApiClient(this PortalApp app, string? secret)
    {
        var http = new HttpClient { BaseAddress = app.BaseUrl };
        if (secret is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return http;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient http, string path, string json, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        return http.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();

    /// <summary>The stable error code of a problem details answer.</summary>
    public static async Task<string?> ProblemCodeAsync(this HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        return (await response.JsonAsync()).GetProperty("code").GetString();
    }
}
