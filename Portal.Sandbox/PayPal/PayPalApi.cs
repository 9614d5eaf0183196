using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.PayPal;

internal sealed record PpResult(int Status, JsonNode Body);

internal sealed record PpCall(PayPalSandbox Sandbox, PayPalAccount Account, JsonObject Body, string BaseUrl, DateTimeOffset Now);

// The request pipeline of every PayPal REST endpoint: bearer token, injected faults, PayPal-Request-Id replay, the
// handler under the app's lock, and PayPal's error model with a debug_id.
internal sealed class PayPalApi(PayPalSandbox sandbox, IdempotencyStore idempotency, FaultInjector faults)
{
    public async Task IssueTokenAsync(HttpContext context)
    {
        var debugId = NewDebugId();
        context.Response.Headers["PayPal-Debug-Id"] = debugId;
        var (clientId, secret) = BasicCredentials(context.Request);
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
        if (form?["grant_type"].ToString() != "client_credentials")
        {
            await WriteAsync(context.Response, 400, new JsonObject { ["error"] = "unsupported_grant_type", ["error_description"] = "Grant Type is NULL or not supported" });
            return;
        }

        var account = clientId is null || secret is null ? null : sandbox.Authenticate(clientId, secret);
        if (account is null)
        {
            await WriteAsync(context.Response, 401, new JsonObject { ["error"] = "invalid_client", ["error_description"] = "Client Authentication failed" });
            return;
        }

        account.BaseUrl = context.Request.BaseUrl();
        await WriteAsync(context.Response, 200, new JsonObject
        {
            ["scope"] = "https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/payments/refund https://uri.paypal.com/services/applications/verify-webhook-signature",
            ["access_token"] = sandbox.IssueToken(account),
            ["token_type"] = "Bearer",
            ["app_id"] = account.AppId,
            ["expires_in"] = (int)sandbox.Options.PayPal.TokenLifetime.TotalSeconds,
            ["nonce"] = $"{PayPalShapes.Time(sandbox.Clock.GetUtcNow())}{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}",
        });
    }

    public async Task RunAsync(HttpContext context, Func<PpCall, PpResult> handler)
    {
        var request = context.Request;
        var response = context.Response;
        var debugId = NewDebugId();
        response.Headers["PayPal-Debug-Id"] = debugId;
        var token = AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            && header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) ? header.Parameter : null;
        var account = token is null ? null : sandbox.AccountForToken(token);
        if (account is null)
        {
            await WriteAsync(response, 401, new PayPalApiError(401, "AUTHENTICATION_FAILURE",
                "Authentication failed due to invalid authentication credentials or a missing Authorization header.").ToJson(debugId));
            return;
        }

        var fault = faults.TakeNext(SandboxProvider.PayPal, request.Method, request.Path.Value ?? "");
        if (fault is { IsBeforeHandling: true })
        {
            await WriteFaultAsync(response, fault, debugId);
            return;
        }

        JsonObject body;
        try
        {
            body = await ReadBodyAsync(request);
        }
        catch (JsonException)
        {
            await WriteAsync(response, 400, new PayPalApiError(400, "INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates schema.",
                "MALFORMED_REQUEST_JSON", "The request JSON is not well formed.").ToJson(debugId));
            return;
        }

        // PayPal answers a PayPal-Request-Id it has seen with what the first request got, without acting again.
        var requestId = request.Headers["PayPal-Request-Id"].FirstOrDefault();
        var key = requestId is null ? null : $"{request.Path}|{requestId}";
        int status;
        JsonNode result;
        lock (account.Gate)
        {
            account.BaseUrl = request.BaseUrl();
            if (key is not null && idempotency.Find(SandboxProvider.PayPal, account.ClientId, key) is { } replay)
            {
                (status, result) = (replay.Status, JsonNode.Parse(replay.Body)!);
            }
            else
            {
                try
                {
                    var outcome = handler(new PpCall(sandbox, account, body, request.BaseUrl(), sandbox.Clock.GetUtcNow()));
                    (status, result) = (outcome.Status, outcome.Body);
                }
                catch (PayPalApiError error)
                {
                    (status, result) = (error.Status, error.ToJson(debugId));
                }

                // Refusals are kept too: the same request id gets the same answer, as PayPal documents.
                if (key is not null && status < 500)
                {
                    idempotency.Remember(SandboxProvider.PayPal, account.ClientId, key, new IdempotentOutcome(key, status, result.ToJsonString(), null));
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

        await WriteAsync(response, status, result);
    }

    public static string NewDebugId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..13];

    private static (string? ClientId, string? Secret) BasicCredentials(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return (null, null);
        }

        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? (null, null) : (pair[..colon], pair[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return (null, null);
        }
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method) && !HttpMethods.IsPatch(request.Method))
        {
            return [];
        }

        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync();
        return string.IsNullOrWhiteSpace(text) ? [] : JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
    }

    private static Task WriteFaultAsync(HttpResponse response, SandboxFault fault, string debugId)
    {
        if (fault.Kind == SandboxFaultKind.RateLimit)
        {
            response.Headers.RetryAfter = "1";
            return WriteAsync(response, 429, new PayPalApiError(429, "RATE_LIMIT_REACHED", "Too many requests. Blocked due to rate limiting. (sandbox: injected)").ToJson(debugId));
        }

        if (fault.Kind == SandboxFaultKind.BareError)
        {
            return WriteAsync(response, 400, new JsonObject { ["error"] = "invalid_request" });
        }

        return WriteAsync(response, 500, new PayPalApiError(500, "INTERNAL_SERVER_ERROR", "An internal server error has occurred. (sandbox: injected)").ToJson(debugId));
    }

    public static async Task WriteAsync(HttpResponse response, int status, JsonNode body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync(body.ToJsonString());
    }
}
