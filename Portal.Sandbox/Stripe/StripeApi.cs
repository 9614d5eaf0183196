using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.Stripe;

internal sealed record StripeCall(StripeAccount Account, StripeForm Form, string RequestId, string? IdempotencyKey, string BaseUrl, DateTimeOffset Now)
{
    public long Timestamp => Now.ToUnixTimeSeconds();

    public StripeAction Action => new(Account, Now, new StripeEventRequest(RequestId, IdempotencyKey));
}

// The request pipeline every /v1 endpoint runs through: auth, injected faults, form parsing, idempotency,
// the handler under the account lock, expand[], and Stripe's error bodies.
internal sealed class StripeApi(StripeSandbox sandbox, IdempotencyStore idempotency, FaultInjector faults)
{
    public async Task RunAsync(HttpContext context, Func<StripeCall, JsonNode> handler)
    {
        var request = context.Request;
        var response = context.Response;
        var requestId = SandboxIds.Stripe("req", 14);
        response.Headers["Request-Id"] = requestId;
        response.Headers["Stripe-Version"] = request.Headers["Stripe-Version"].FirstOrDefault() ?? global::Stripe.StripeConfiguration.ApiVersion;

        if (Authenticate(request) is { } refusal)
        {
            await WriteAsync(response, refusal.Status, refusal.ToJson());
            return;
        }

        var apiKey = ApiKeyOf(request)!;
        var path = request.Path.Value ?? "";
        var fault = faults.TakeNext(SandboxProvider.Stripe, request.Method, path);
        if (fault is { IsBeforeHandling: true })
        {
            await WriteFaultAsync(response, fault);
            return;
        }

        var body = await ReadBodyAsync(request);
        var form = new StripeForm(MergeParameters(request, body));
        var account = sandbox.AccountFor(apiKey);
        var idempotencyKey = HttpMethods.IsPost(request.Method) ? request.Headers["Idempotency-Key"].FirstOrDefault() : null;
        var fingerprint = Fingerprint(request.Method + " " + path + "\n" + body);

        int status;
        string json;
        lock (account.Gate)
        {
            var remembered = idempotencyKey is null ? null : idempotency.Find(SandboxProvider.Stripe, account.Id, idempotencyKey);
            if (remembered is not null && remembered.Fingerprint == fingerprint)
            {
                response.Headers["Idempotent-Replayed"] = "true";
                (status, json) = (remembered.Status, remembered.Body);
            }
            else if (remembered is not null)
            {
                var conflict = new StripeApiError(
                    400,
                    "idempotency_error",
                    $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{idempotencyKey}' if you meant to execute a different request.");
                (status, json) = (conflict.Status, conflict.ToJson().ToJsonString());
            }
            else
            {
                var call = new StripeCall(account, form, requestId, idempotencyKey, request.BaseUrl(), sandbox.Clock.GetUtcNow());
                StripeCheckoutOutcomes.ApplyClock(account, call.Now);
                (status, json) = Execute(call, handler);

                // Stripe keeps the outcome once an endpoint started executing: successes and card declines, not
                // validation errors.
                if (idempotencyKey is not null && status is (>= 200 and < 300) or 402)
                {
                    idempotency.Remember(SandboxProvider.Stripe, account.Id, idempotencyKey, new IdempotentOutcome(fingerprint, status, json, null));
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

        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync(json, context.RequestAborted);
    }

    private static (int Status, string Json) Execute(StripeCall call, Func<StripeCall, JsonNode> handler)
    {
        try
        {
            var result = handler(call);
            foreach (var path in call.Form.List("expand"))
            {
                StripeJson.Expand(result, path.Split('.'), call.Account.Resolve);
            }

            return (200, result.ToJsonString());
        }
        catch (StripeApiError error)
        {
            return (error.Status, error.ToJson().ToJsonString());
        }
        catch (Exception unexpected) when (unexpected is InvalidOperationException or KeyNotFoundException or FormatException or ArgumentException)
        {
            // A sandbox bug should still look like a Stripe error to the client, with a hint of what went wrong.
            var error = new StripeApiError(500, "api_error", "Sandbox error: " + unexpected.Message);
            return (error.Status, error.ToJson().ToJsonString());
        }
    }

    private static StripeApiError? Authenticate(HttpRequest request)
    {
        var key = ApiKeyOf(request);
        if (string.IsNullOrEmpty(key))
        {
            return StripeApiError.Unauthorized(
                "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').");
        }

        if (key.StartsWith("sk_live_", StringComparison.Ordinal) || key.StartsWith("rk_live_", StringComparison.Ordinal))
        {
            return StripeApiError.Unauthorized(
                "Live mode keys are not accepted by the Portal sandbox. Use a test key (sk_test_… or rk_test_…).");
        }

        if (!key.StartsWith("sk_test_", StringComparison.Ordinal) && !key.StartsWith("rk_test_", StringComparison.Ordinal))
        {
            return StripeApiError.Unauthorized($"Invalid API Key provided: {Mask(key)}");
        }

        return null;
    }

    // Stripe accepts the key as a Bearer token or as the Basic auth user name.
    private static string? ApiKeyOf(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) || header.Parameter is null)
        {
            return null;
        }

        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return header.Parameter;
        }

        if (header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter)).Split(':')[0];
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }

    private static string Mask(string key) => key.Length <= 8 ? "****" : "****" + key[^4..];

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method) && !HttpMethods.IsDelete(request.Method))
        {
            return "";
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static Dictionary<string, StringValues> MergeParameters(HttpRequest request, string body)
    {
        var parameters = request.Query.ToDictionary(q => q.Key, q => q.Value);
        foreach (var (key, value) in QueryHelpers.ParseQuery(body))
        {
            parameters[key] = value;
        }

        return parameters;
    }

    private static Task WriteFaultAsync(HttpResponse response, SandboxFault fault)
    {
        if (fault.Kind == SandboxFaultKind.RateLimit)
        {
            return WriteAsync(response, 429, new StripeApiError(429, "invalid_request_error", "Too many requests hit the API too quickly. (sandbox: injected)", "rate_limit").ToJson());
        }

        if (fault.Kind == SandboxFaultKind.BareError)
        {
            return WriteAsync(response, 400, new JsonObject { ["error"] = "bank_authorisation_expired" });
        }

        response.Headers["Stripe-Should-Retry"] = "true";
        return WriteAsync(response, 500, new StripeApiError(500, "api_error", "An unexpected error occurred. (sandbox: injected)").ToJson());
    }

    private static async Task WriteAsync(HttpResponse response, int status, JsonNode body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync(body.ToJsonString());
    }

    private static string Fingerprint(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
