using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.GoCardless;

internal sealed record GcResult(int Status, JsonNode Body, string? Location = null);

internal sealed record GcCall(
    GoCardlessAccount Account,
    IQueryCollection Query,
    JsonObject Body,
    string? IdempotencyKey,
    string BaseUrl,
    DateTimeOffset Now,
    IdempotencyStore Idempotency)
{
    public GoCardlessAction Action => new(Account, Now);

    public GcResult Show(string resourceName, IGoCardlessResource resource) =>
        new(200, GoCardlessJson.Envelope(resourceName, Account.Show(resource, Now)));

    // Creates once per Idempotency-Key. A reused key never creates again: GoCardless answers 409 and names the
    // resource the key already created, which the client then fetches.
    public GcResult Create(string resourceName, Func<IGoCardlessResource> create)
    {
        if (IdempotencyKey is { } key && Idempotency.Find(SandboxProvider.GoCardless, Account.CreditorId, key) is { ResourceId: { } existing })
        {
            throw GoCardlessApiError.InvalidState(
                "idempotent_creation_conflict",
                "A resource has already been created with this idempotency key",
                new JsonObject { ["conflicting_resource_id"] = existing },
                status: StatusCodes.Status409Conflict);
        }

        var resource = create();
        if (IdempotencyKey is { } newKey)
        {
            Idempotency.Remember(SandboxProvider.GoCardless, Account.CreditorId, newKey, new IdempotentOutcome(resourceName, 201, "", resource.Id));
        }

        return new GcResult(201, GoCardlessJson.Envelope(resourceName, Account.Show(resource, Now)), $"{BaseUrl}/sandbox/gocardless/{resourceName}/{resource.Id}");
    }

    // The resource a request links to (links.mandate, links.payment), which must belong to this creditor.
    public T Linked<T>(GoCardlessFields fields, string link, string label)
        where T : class, IGoCardlessResource
    {
        var id = fields.RequiredLink(link);
        return Account.Find<T>(id) ?? throw GoCardlessApiError.InvalidApiUsage(404, "resource_not_found", $"{label} {id} was not found.");
    }

    public JsonObject Envelope(string resourceName) =>
        Body[resourceName] as JsonObject
        ?? throw GoCardlessApiError.InvalidApiUsage(400, "invalid_document_structure", $"The request body must be a JSON object wrapped in \"{resourceName}\".");

    // Cursor pagination (limit, after, before) over a newest-first list, with meta.cursors.
    public GcResult Page<T>(string resourceName, IReadOnlyList<T> newestFirst)
        where T : IGoCardlessResource
    {
        var limit = 50;
        if (Query["limit"].FirstOrDefault() is { } limitText && (!int.TryParse(limitText, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 500))
        {
            throw GoCardlessApiError.Validation(resourceName, "limit", "must be between 1 and 500");
        }

        int start;
        int end;
        if (Query["before"].FirstOrDefault() is { Length: > 0 } before)
        {
            end = IndexOf(newestFirst, before);
            start = Math.Max(0, end - limit);
        }
        else
        {
            start = Query["after"].FirstOrDefault() is { Length: > 0 } after ? IndexOf(newestFirst, after) + 1 : 0;
            end = Math.Min(newestFirst.Count, start + limit);
        }

        var page = newestFirst.Skip(start).Take(end - start).ToList();
        return new GcResult(200, new JsonObject
        {
            [resourceName] = new JsonArray(page.Select(r => Account.Show(r, Now)).ToArray()),
            ["meta"] = new JsonObject
            {
                ["cursors"] = new JsonObject
                {
                    ["before"] = start > 0 && page.Count > 0 ? page[0].Id : null,
                    ["after"] = end < newestFirst.Count && page.Count > 0 ? page[^1].Id : null,
                },
                ["limit"] = limit,
            },
        });
    }

    private static int IndexOf<T>(IReadOnlyList<T> items, string id)
        where T : IGoCardlessResource
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Id == id)
            {
                return i;
            }
        }

        throw GoCardlessApiError.Validation("meta", "cursor", $"{id} is not in this list");
    }
}

// The request pipeline of every GoCardless API endpoint: bearer auth, GoCardless-Version, injected faults, JSON
// envelopes, the handler under the creditor's lock, webhook batching, and the error model.
internal sealed class GoCardlessApi(GoCardlessSandbox sandbox, IdempotencyStore idempotency, FaultInjector faults)
{
    public const string Version = "2015-07-06";

    public async Task RunAsync(HttpContext context, Func<GcCall, GcResult> handler)
    {
        var request = context.Request;
        var response = context.Response;
        var requestId = SandboxIds.GoCardless("RQ");
        response.Headers["X-Request-Id"] = requestId;
        var now = sandbox.Clock.GetUtcNow();
        response.Headers["RateLimit-Limit"] = "1000";
        response.Headers["RateLimit-Remaining"] = "999";
        response.Headers["RateLimit-Reset"] = (now + TimeSpan.FromMinutes(1)).ToString("R", CultureInfo.InvariantCulture);

        var account = Authenticate(request, out var refusal);
        if (refusal is not null)
        {
            await WriteAsync(response, refusal.Status, refusal.ToJson(requestId));
            return;
        }

        if (sandbox.Options.GoCardless.RateLimit is { } limit)
        {
            var (allowed, remaining, reset) = account!.Requests.Take(now, limit);
            response.Headers["RateLimit-Limit"] = limit.Requests.ToString(CultureInfo.InvariantCulture);
            response.Headers["RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
            response.Headers["RateLimit-Reset"] = reset.ToString("R", CultureInfo.InvariantCulture);
            if (!allowed)
            {
                await WriteAsync(response, 429, RateLimitReached("See the RateLimit-Reset header.").ToJson(requestId));
                return;
            }
        }

        var fault = faults.TakeNext(SandboxProvider.GoCardless, request.Method, request.Path.Value ?? "");
        if (fault is { IsBeforeHandling: true })
        {
            await WriteFaultAsync(response, fault, requestId, now);
            return;
        }

        int status;
        JsonNode body;
        string? location = null;
        var parsed = await ReadBodyAsync(request);
        if (parsed.Error is { } badBody)
        {
            (status, body) = (badBody.Status, badBody.ToJson(requestId));
        }
        else
        {
            lock (account!.Gate)
            {
                var call = new GcCall(account, request.Query, parsed.Body!, request.Headers["Idempotency-Key"].FirstOrDefault(), request.BaseUrl(), sandbox.Clock.GetUtcNow(), idempotency);
                try
                {
                    var result = handler(call);
                    (status, body, location) = (result.Status, result.Body, result.Location);
                }
                catch (GoCardlessApiError error)
                {
                    (status, body) = (error.Status, error.ToJson(requestId));
                }
                finally
                {
                    account.FlushWebhooks();
                }
            }
        }

        if (fault is { Kind: SandboxFaultKind.DropResponse })
        {
            context.Abort();
            return;
        }

        if (fault is { Kind: SandboxFaultKind.DelayResponse })
        {
            await Task.Delay(fault.Delay, context.RequestAborted);
        }

        if (location is not null)
        {
            response.Headers.Location = location;
        }

        await WriteAsync(response, status, body);
    }

    private GoCardlessAccount? Authenticate(HttpRequest request, out GoCardlessApiError? refusal)
    {
        refusal = null;
        var token = AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            && header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) ? header.Parameter : null;
        var account = token is null ? null : sandbox.AccountFor(token);
        if (account is null)
        {
            refusal = GoCardlessApiError.InvalidApiUsage(401, "authentication_failed",
                token?.StartsWith("live_", StringComparison.Ordinal) == true
                    ? "Live access tokens are not accepted by the Portal sandbox. Use a sandbox token."
                    : "Authentication failed");
            return null;
        }

        var version = request.Headers["GoCardless-Version"].FirstOrDefault();
        if (string.IsNullOrEmpty(version))
        {
            refusal = GoCardlessApiError.InvalidApiUsage(400, "missing_version_header",
                $"The GoCardless-Version header is required; use GoCardless-Version: {Version}.");
            return null;
        }

        if (version != Version)
        {
            refusal = GoCardlessApiError.InvalidApiUsage(400, "version_not_found", $"GoCardless-Version '{version}' is not a known API version; use {Version}.");
            return null;
        }

        return account;
    }

    private static async Task<(JsonObject? Body, GoCardlessApiError? Error)> ReadBodyAsync(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method) && !HttpMethods.IsPut(request.Method))
        {
            return ([], null);
        }

        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync();
        if (string.IsNullOrWhiteSpace(text))
        {
            return ([], null);
        }

        try
        {
            return JsonNode.Parse(text) is JsonObject body
                ? (body, null)
                : (null, GoCardlessApiError.InvalidApiUsage(400, "invalid_document_structure", "The request body must be a JSON object."));
        }
        catch (JsonException)
        {
            return (null, GoCardlessApiError.InvalidApiUsage(400, "invalid_json", "The request body is not valid JSON."));
        }
    }

    private static Task WriteFaultAsync(HttpResponse response, SandboxFault fault, string requestId, DateTimeOffset now)
    {
        if (fault.Kind == SandboxFaultKind.RateLimit)
        {
            response.Headers["RateLimit-Remaining"] = "0";
            response.Headers["RateLimit-Reset"] = (now + TimeSpan.FromSeconds(30)).ToString("R", CultureInfo.InvariantCulture);
            return WriteAsync(response, 429, RateLimitReached("(sandbox: injected) See the RateLimit-Reset header.").ToJson(requestId));
        }

        if (fault.Kind == SandboxFaultKind.BareError)
        {
            return WriteAsync(response, 400, new JsonObject { ["error"] = "bank_authorisation_expired" });
        }

        return WriteAsync(response, 500, new GoCardlessApiError(500, "gocardless", "Uh-oh! Something went wrong (sandbox: injected).",
            [new JsonObject { ["reason"] = "internal_server_error", ["message"] = "Internal server error" }]).ToJson(requestId));
    }

    private static GoCardlessApiError RateLimitReached(string detail) =>
        GoCardlessApiError.InvalidApiUsage(429, "rate_limit_reached", $"You have exceeded the rate limit. {detail}");

    private static async Task WriteAsync(HttpResponse response, int status, JsonNode body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync(body.ToJsonString());
    }
}
