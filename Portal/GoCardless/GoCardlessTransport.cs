using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Portal.GoCardless;

// One page of a list: the items and the cursors to the neighbouring pages (null at either end).
internal sealed record GoCardlessPage<T>(IReadOnlyList<T> Items, string? Before, string? After);

// The wire protocol under GoCardlessClient: headers, resource-name envelopes, errors, idempotent creates,
// rate limits, retries and cursor pagination.
internal sealed class GoCardlessTransport(
    HttpClient http,
    GoCardlessConnection connection,
    GoCardlessOptions options,
    GoCardlessRateLimits rateLimits,
    TimeProvider clock,
    ILogger logger)
{
    // The API version this client is written against; GoCardless pins behaviour to it.
    public const string ApiVersion = "2015-07-06";

    public async Task<T> GetAsync<T>(string path, string resourceName, CancellationToken cancellationToken)
    {
        using var document = await SendAsync(HttpMethod.Get, path, body: null, idempotencyKey: null, cancellationToken);
        return Unwrap<T>(document, resourceName);
    }

    // POST creating a resource under an Idempotency-Key. A key GoCardless has already seen is answered 409
    // idempotent_creation_conflict with the id of what it created the first time: that resource is the answer.
    public async Task<T> CreateAsync<T>(string path, string resourceName, object fields, string idempotencyKey, CancellationToken cancellationToken, bool canFetchExisting = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        try
        {
            using var document = await SendAsync(HttpMethod.Post, path, Envelope(resourceName, fields), idempotencyKey, cancellationToken);
            return Unwrap<T>(document, resourceName);
        }
        catch (GoCardlessApiException conflict) when (canFetchExisting && conflict.ConflictingResourceId is { } existing)
        {
            logger.LogInformation("GoCardless already created {Resource} {Id} under this idempotency key; fetching it", resourceName, existing);
            return await GetAsync<T>($"{path}/{Uri.EscapeDataString(existing)}", resourceName, cancellationToken);
        }
    }

    // POST without an idempotency key (actions such as cancel and retry): sent once, never retried, because a
    // response lost on the way back would make a retry act twice.
    public async Task<T> ActAsync<T>(string path, string resourceName, object body, CancellationToken cancellationToken)
    {
        using var document = await SendAsync(HttpMethod.Post, path, body, idempotencyKey: null, cancellationToken);
        return Unwrap<T>(document, resourceName);
    }

    public async IAsyncEnumerable<T> ListAsync<T>(
        string path,
        string resourceName,
        IEnumerable<KeyValuePair<string, string?>> filters,
        GoCardlessPaging paging,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // GoCardless pages hold 1 to 500 items.
        ArgumentOutOfRangeException.ThrowIfLessThan(paging.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(paging.Limit, 500);
        var fixedQuery = filters.Where(f => !string.IsNullOrEmpty(f.Value)).ToList();
        var backwards = paging.Before is not null;
        var cursor = paging.Before ?? paging.After;
        while (true)
        {
            var query = fixedQuery.Append(new("limit", paging.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (cursor is not null)
            {
                query = query.Append(new(backwards ? "before" : "after", cursor));
            }

            var page = await GetPageAsync<T>(path + QueryString(query), resourceName, cancellationToken);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            var next = backwards ? page.Before : page.After;
            if (next is null || next == cursor || page.Items.Count == 0)
            {
                yield break;
            }

            cursor = next;
        }
    }

    private async Task<GoCardlessPage<T>> GetPageAsync<T>(string pathAndQuery, string resourceName, CancellationToken cancellationToken)
    {
        using var document = await SendAsync(HttpMethod.Get, pathAndQuery, body: null, idempotencyKey: null, cancellationToken);
        var items = Unwrap<List<T>>(document, resourceName);
        string? before = null, after = null;
        if (document.RootElement.TryGetProperty("meta", out var meta) && meta.TryGetProperty("cursors", out var cursors))
        {
            before = cursors.TryGetProperty("before", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
            after = cursors.TryGetProperty("after", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        }

        return new GoCardlessPage<T>(items, before, after);
    }

    private async Task<JsonDocument> SendAsync(HttpMethod method, string pathAndQuery, object? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var retriable = method == HttpMethod.Get || idempotencyKey is not null;
        var attempts = retriable ? Math.Max(1, options.MaxAttempts) : 1;
        var content = body is null ? null : JsonSerializer.Serialize(body, GoCardlessJson.Options);
        for (var attempt = 1; ; attempt++)
        {
            await WaitForRateLimitAsync(cancellationToken);
            using var request = NewRequest(method, pathAndQuery, content, idempotencyKey);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (Exception failure) when (failure is HttpRequestException || (failure is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // No answer (connection reset, timeout): the request may or may not have been applied. Only a
                // GET or a create under an idempotency key can be sent again without doing anything twice.
                if (attempt >= attempts)
                {
                    throw;
                }

                logger.LogWarning("GoCardless {Method} {Path} got no answer ({Failure}) on attempt {Attempt}; retrying ({Connection})",
                    method, PathOnly(pathAndQuery), failure.GetType().Name, attempt, connection);
                await Task.Delay(BackOff(attempt), clock, cancellationToken);
                continue;
            }

            using (response)
            {
                rateLimits.Observe(connection.AccessToken, response.Headers);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                var requestId = response.Headers.TryGetValues("X-Request-Id", out var ids) ? ids.FirstOrDefault() : null;
                var error = response.IsSuccessStatusCode ? null : GoCardlessApiException.FromResponse(response.StatusCode, text, requestId);
                if (error is null || !error.IsTransient || attempt >= attempts)
                {
                    logger.LogDebug("GoCardless {Method} {Path} answered {Status} (request {RequestId}, attempt {Attempt}, {Connection})",
                        method, PathOnly(pathAndQuery), (int)response.StatusCode, requestId, attempt, connection);
                    return error is null ? JsonDocument.Parse(text.Length == 0 ? "{}" : text) : throw error;
                }

                // After a 429 with RateLimit headers the wait for the reset happens at the top of the loop.
                var wait = response.StatusCode == HttpStatusCode.TooManyRequests && rateLimits.WaitFor(connection.AccessToken, options.MaxRateLimitWait) > TimeSpan.Zero
                    ? TimeSpan.Zero
                    : BackOff(attempt);
                logger.LogWarning("GoCardless {Method} {Path} answered {Status} (request {RequestId}) on attempt {Attempt}; retrying in {Wait} ({Connection})",
                    method, PathOnly(pathAndQuery), (int)response.StatusCode, requestId, attempt, wait, connection);
                await Task.Delay(wait, clock, cancellationToken);
            }
        }
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string pathAndQuery, string? content, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(method, new Uri(connection.BaseUrl, pathAndQuery));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", connection.AccessToken);
        request.Headers.Add("GoCardless-Version", ApiVersion);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (content is not null)
        {
            request.Content = new StringContent(content, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private async Task WaitForRateLimitAsync(CancellationToken cancellationToken)
    {
        var wait = rateLimits.WaitFor(connection.AccessToken, options.MaxRateLimitWait);
        if (wait > TimeSpan.Zero)
        {
            logger.LogWarning("GoCardless rate limit exhausted; waiting {Wait} for RateLimit-Reset ({Connection})", wait, connection);
            await Task.Delay(wait, clock, cancellationToken);
        }
    }

    private TimeSpan BackOff(int attempt)
    {
        var exponential = options.RetryBaseDelay * Math.Pow(2, attempt - 1);
        return exponential + (exponential * Random.Shared.NextDouble() * 0.25);
    }

    private static T Unwrap<T>(JsonDocument document, string resourceName) =>
        document.RootElement.TryGetProperty(resourceName, out var resource)
            ? resource.Deserialize<T>(GoCardlessJson.Options) ?? throw new JsonException($"GoCardless answered a null \"{resourceName}\".")
            : throw new JsonException($"GoCardless's answer has no \"{resourceName}\" envelope.");

    private static Dictionary<string, object> Envelope(string resourceName, object fields) => new() { [resourceName] = fields };

    private static string PathOnly(string pathAndQuery) => pathAndQuery.Split('?')[0];

    private static string QueryString(IEnumerable<KeyValuePair<string, string?>> query) =>
        "?" + string.Join("&", query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value!)}"));
}
