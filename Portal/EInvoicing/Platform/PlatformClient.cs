using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Portal.EInvoicing.Platform;

/// <summary>
/// The XP Z12-013 Flow Service as the portal speaks it: OAuth2 client credentials, flows submitted, read and searched,
/// the directory, the healthcheck. Every call here may be sent twice: reads change nothing, and a submission carries
/// the document id as trackingId, which the platform answers with the flow it already holds. So retries follow only
/// transient failures (no answer, 429, 5xx); a refusal is a <see cref="PlatformApiException"/> at once.
/// </summary>
public sealed class PlatformClient(HttpClient http, PlatformConnectionInfo connection, PlatformTokens tokens, PlatformOptions options, TimeProvider clock, ILogger logger)
{
    public PlatformConnectionInfo Connection { get; } = connection;

    public async Task HealthcheckAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "v1/healthcheck", () => null, cancellationToken)).Dispose();

    public async Task<FlowReceipt> SubmitFlowAsync(FlowSubmission submission, CancellationToken cancellationToken = default)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(submission.File));
        var flowInfo = JsonSerializer.Serialize(new
        {
            name = submission.Name,
            flowSyntax = submission.FlowSyntax,
            processingRule = submission.ProcessingRule,
            flowProfile = submission.FlowProfile,
            trackingId = submission.TrackingId,
            sha256,
        });
        using var document = await SendAsync(HttpMethod.Post, "v1/flows", () =>
        {
            var file = new ByteArrayContent(submission.File);
            file.Headers.ContentType = new MediaTypeHeaderValue(submission.ContentType);
            return new MultipartFormDataContent
            {
                { file, "file", submission.FileName },
                { new StringContent(flowInfo, System.Text.Encoding.UTF8, "application/json"), "flowInfo" },
            };
        }, cancellationToken);
        var root = document.RootElement;
        return new FlowReceipt(Text(root, "flowId")!, Time(root, "submittedAt") ?? clock.GetUtcNow(), Text(root, "trackingId"), Text(root, "sha256"));
    }

    public async Task<PlatformFlow> GetFlowAsync(string flowId, CancellationToken cancellationToken = default)
    {
        using var document = await SendAsync(HttpMethod.Get, $"v1/flows/{Uri.EscapeDataString(flowId)}?docType=Metadata", () => null, cancellationToken);
        return ReadFlow(document.RootElement);
    }

    public async Task<FlowSearchPage> SearchFlowsAsync(FlowSearch search, CancellationToken cancellationToken = default)
    {
        var where = new JsonObject();
        if (search.TrackingId is not null)
            where["trackingId"] = search.TrackingId;
        if (search.UpdatedAfter is { } after)
            where["updatedAfter"] = after.ToString("O", CultureInfo.InvariantCulture);
        var body = new JsonObject { ["where"] = where, ["limit"] = search.Limit };
        if (search.Cursor is not null)
            body["cursor"] = search.Cursor;
        using var document = await SendAsync(HttpMethod.Post, "v1/flows/search", () => JsonContent.Create(body), cancellationToken);
        var root = document.RootElement;
        var results = root.TryGetProperty("results", out var list) ? list.EnumerateArray().Select(ReadFlow).ToList() : [];
        return new FlowSearchPage(results, Text(root, "nextCursor"));
    }

    /// <summary>The directory lines for a SIREN: empty when the company cannot receive e-invoices on any platform.</summary>
    public async Task<IReadOnlyList<DirectoryLine>> FindDirectoryLinesAsync(string siren, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["filters"] = new JsonObject { ["siren"] = new JsonObject { ["op"] = "strict", ["value"] = siren } } };
        using var document = await SendAsync(HttpMethod.Post, "v1/directory-line/search", () => JsonContent.Create(body), cancellationToken);
        return document.RootElement.TryGetProperty("results", out var lines)
            ? lines.EnumerateArray().Select(l => new DirectoryLine(Text(l, "siren"), Text(l, "addressingIdentifier"), Text(l, "platformType"), Text(l, "directoryLineStatus"))).ToList()
            : [];
    }

    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, Func<HttpContent?> content, CancellationToken cancellationToken)
    {
        var attempts = Math.Max(1, options.MaxAttempts);
        var renewedToken = false;
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                var token = await TokenAsync(cancellationToken);
                using var request = new HttpRequestMessage(method, new Uri(Connection.BaseUrl, path)) { Content = content() };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                request.Headers.Add("Request-Id", Guid.NewGuid().ToString());
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (Exception failure) when (IsNoAnswer(failure, cancellationToken) || failure is PlatformApiException { IsTransient: true })
            {
                if (attempt >= attempts)
                    throw;
                var wait = BackOff(attempt);
                logger.LogWarning("Platform {Method} {Path} failed ({Failure}) on attempt {Attempt}; retrying in {Wait} ({Connection})",
                    method, path.Split('?')[0], failure.GetType().Name, attempt, wait, Connection);
                await Task.Delay(wait, clock, cancellationToken);
                continue;
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                    return JsonDocument.Parse(text.Length == 0 ? "{}" : text);
                var error = PlatformApiException.FromResponse(response.StatusCode, text);
                // A token the platform forgot (restart, revocation) before its expiry: fetch a new one, once.
                if (response.StatusCode == HttpStatusCode.Unauthorized && !renewedToken)
                {
                    tokens.Forget(Connection);
                    renewedToken = true;
                    attempt--;
                    continue;
                }

                if (!error.IsTransient || attempt >= attempts)
                    throw error;
                var wait = BackOff(attempt);
                logger.LogWarning("Platform {Method} {Path} answered {Status} {Code} on attempt {Attempt}; retrying in {Wait} ({Connection})",
                    method, path.Split('?')[0], (int)response.StatusCode, error.ErrorCode, attempt, wait, Connection);
                await Task.Delay(wait, clock, cancellationToken);
            }
        }
    }

    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        if (tokens.Current(Connection, options.TokenRenewalMargin) is { } cached)
            return cached;
        using var request = new HttpRequestMessage(HttpMethod.Post, Connection.TokenUrl)
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("client_id", Connection.ClientId), new("client_secret", Connection.ClientSecret)]),
        };
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw PlatformApiException.FromResponse(response.StatusCode, text);
        using var document = JsonDocument.Parse(text);
        var token = Text(document.RootElement, "access_token") ?? throw new PlatformApiException(response.StatusCode, "invalid_token_response", "The token endpoint answered without an access_token.");
        var lifetime = document.RootElement.TryGetProperty("expires_in", out var seconds) && seconds.TryGetInt32(out var s) ? TimeSpan.FromSeconds(s) : TimeSpan.FromMinutes(5);
        tokens.Store(Connection, token, lifetime);
        return token;
    }

    private static bool IsNoAnswer(Exception failure, CancellationToken cancellationToken) =>
        failure is HttpRequestException || (failure is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    private TimeSpan BackOff(int attempt)
    {
        var exponential = options.RetryBaseDelay * Math.Pow(2, attempt - 1);
        return exponential + (exponential * Random.Shared.NextDouble() * 0.25);
    }

    private static PlatformFlow ReadFlow(JsonElement flow)
    {
        var ack = flow.TryGetProperty("acknowledgement", out var a) ? a : default;
        var status = ack.ValueKind == JsonValueKind.Object && Text(ack, "status") is { } s && Enum.TryParse<FlowAckStatus>(s, out var parsed) ? parsed : FlowAckStatus.Pending;
        var details = ack.ValueKind == JsonValueKind.Object && ack.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.Array
            ? d.EnumerateArray().Select(x => new FlowAckDetail(Text(x, "level"), Text(x, "reasonCode"), Text(x, "reasonMessage"))).ToList()
            : [];
        var lifecycle = flow.TryGetProperty("lifecycle", out var l) && l.ValueKind == JsonValueKind.Array
            ? l.EnumerateArray().Select(x => new FlowLifecycleStatus(x.GetProperty("status").GetInt32(), Text(x, "label"), Time(x, "at") ?? default, Text(x, "reason"))).ToList()
            : [];
        return new PlatformFlow(Text(flow, "flowId")!, Text(flow, "trackingId"), Text(flow, "name"), Text(flow, "flowType"), Text(flow, "flowDirection"),
            Time(flow, "submittedAt") ?? default, Time(flow, "updatedAt") ?? default, new FlowAcknowledgement(status, details), lifecycle);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        Text(element, name) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;
}

// Hands out a PlatformClient per firm connection over the shared, named HttpClient.
public sealed class PlatformClients(IHttpClientFactory httpClients, PlatformTokens tokens, IOptions<PlatformOptions> options, TimeProvider clock, ILoggerFactory loggers)
{
    public const string HttpClientName = "EInvoicingPlatform";

    public PlatformClient For(PlatformConnectionInfo connection) =>
        new(httpClients.CreateClient(HttpClientName), connection, tokens, options.Value, clock, loggers.CreateLogger<PlatformClient>());
}
