using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.PayPal;

// The route table of the PayPal emulator, mounted at /sandbox/paypal (the client's base URL).
internal static class PayPalEndpoints
{
    public static void MapPayPalSandbox(this RouteGroupBuilder pp)
    {
        pp.MapPost("/v1/oauth2/token", (HttpContext c, PayPalApi api) => api.IssueTokenAsync(c));

        pp.MapPost("/v2/checkout/orders", (HttpContext c, PayPalApi api) => api.RunAsync(c, call =>
        {
            var order = PayPalLifecycle.CreateOrder(call.Sandbox, call.Account, call.Body, call.Now);
            return new PpResult(201, PayPalShapes.Order(call.Account, order, call.BaseUrl));
        }));
        pp.MapGet("/v2/checkout/orders/{id}", (HttpContext c, PayPalApi api, string id) => api.RunAsync(c, call =>
            new PpResult(200, PayPalShapes.Order(call.Account, OrderOf(call, id), call.BaseUrl))));
        pp.MapPost("/v2/checkout/orders/{id}/capture", (HttpContext c, PayPalApi api, string id) => api.RunAsync(c, call =>
        {
            var order = OrderOf(call, id);
            PayPalLifecycle.Capture(call.Sandbox, call.Account, order, call.Now, call.BaseUrl);
            return new PpResult(201, PayPalShapes.Order(call.Account, order, call.BaseUrl));
        }));

        pp.MapGet("/v2/payments/captures/{id}", (HttpContext c, PayPalApi api, string id) => api.RunAsync(c, call =>
            new PpResult(200, PayPalShapes.Capture(CaptureOf(call, id), call.BaseUrl))));
        pp.MapPost("/v2/payments/captures/{id}/refund", (HttpContext c, PayPalApi api, string id) => api.RunAsync(c, call =>
            new PpResult(201, PayPalShapes.Refund(PayPalLifecycle.Refund(call.Sandbox, call.Account, CaptureOf(call, id), call.Body, call.Now, call.BaseUrl), call.BaseUrl))));
        pp.MapGet("/v2/payments/refunds/{id}", (HttpContext c, PayPalApi api, string id) => api.RunAsync(c, call =>
            new PpResult(200, PayPalShapes.Refund(
                call.Account.Refunds.GetValueOrDefault(id) ?? throw PayPalApiError.NotFound("INVALID_RESOURCE_ID", $"Specified resource ID {id} does not exist."),
                call.BaseUrl))));

        pp.MapGet("/v1/customer/disputes/{id}", (HttpContext c, PayPalApi api, string id) => api.RunAsync(c, call =>
        {
            var dispute = call.Account.Disputes.GetValueOrDefault(id) ?? throw PayPalApiError.NotFound("INVALID_RESOURCE_ID", $"Specified resource ID {id} does not exist.");
            return new PpResult(200, PayPalShapes.Dispute(dispute, call.Account.Captures[dispute.CaptureId], call.BaseUrl));
        }));

        // The app's events between start_time and end_time, newest first, page_size at a time; "page" is the
        // emulator's own cursor in the "next" link.
        pp.MapGet("/v1/notifications/webhooks-events", (HttpContext c, PayPalApi api) => api.RunAsync(c, call => ListEvents(call, c.Request.Query)));

        pp.MapPost("/v1/notifications/verify-webhook-signature", (HttpContext c, PayPalApi api) => api.RunAsync(c, call => Verify(call)));

        pp.MapGet("/checkoutnow", (PayPalSandbox sandbox, string? token) => PayPalApprovalPage.Show(sandbox, token));
        pp.MapPost("/checkoutnow", (HttpContext c, PayPalSandbox sandbox, string? token) => PayPalApprovalPage.ActAsync(c, sandbox, token));

        var control = pp.MapGroup("/_control");
        control.MapSharedControl(SandboxProvider.PayPal);

        // Tokens handed out per client id: how a test sees that the client reuses its token.
        control.MapGet("/tokens", (PayPalSandbox sandbox) =>
            Results.Json(sandbox.Accounts.ToDictionary(a => a.ClientId, a => a.TokensIssued)));

        // Forgets every token of an app, as PayPal does when an app's secret is rotated.
        control.MapPost("/tokens/{clientId}/revoke", (PayPalSandbox sandbox, string clientId) =>
        {
            if (sandbox.AccountFor(clientId) is not { } account)
            {
                return Results.NotFound(new { error = $"No app {clientId} has asked for a token yet." });
            }

            sandbox.ForgetTokens(account);
            return Results.Json(new { client_id = clientId, revoked = true });
        });

        // The payer's approval without the page: {"outcome":"completed|pending|declined","payer_email":…}.
        control.MapPost("/orders/{id}/approve", async (HttpContext c, PayPalSandbox sandbox, string id) =>
        {
            var body = await SandboxControlEndpoints.ReadJsonAsync(c);
            var email = body["payer_email"]?.GetValue<string>() ?? "payer@example.test";
            var choice = body["outcome"]?.GetValue<string>() is { } outcome ? "approve_" + outcome : null;
            return Control(sandbox, sandbox.OwnerOfOrder(id), c.Request.BaseUrl(), account =>
            {
                var order = account.Orders[id];
                PayPalLifecycle.Approve(sandbox, account, order, PayPalLifecycle.OutcomeFor(choice, email), email, sandbox.Clock.GetUtcNow(), c.Request.BaseUrl());
                return new JsonObject { ["id"] = id, ["status"] = order.Status };
            });
        });

        control.MapPost("/captures/{id}/complete", (HttpContext c, PayPalSandbox sandbox, string id) =>
            Control(sandbox, sandbox.OwnerOfCapture(id), c.Request.BaseUrl(), account =>
            {
                PayPalLifecycle.CompletePending(sandbox, account, account.Captures[id], sandbox.Clock.GetUtcNow(), c.Request.BaseUrl());
                return PayPalShapes.Capture(account.Captures[id], c.Request.BaseUrl());
            }));
        control.MapPost("/captures/{id}/deny", (HttpContext c, PayPalSandbox sandbox, string id) =>
            Control(sandbox, sandbox.OwnerOfCapture(id), c.Request.BaseUrl(), account =>
            {
                PayPalLifecycle.Deny(sandbox, account, account.Captures[id], sandbox.Clock.GetUtcNow(), c.Request.BaseUrl());
                return PayPalShapes.Capture(account.Captures[id], c.Request.BaseUrl());
            }));
        control.MapPost("/captures/{id}/reverse", (HttpContext c, PayPalSandbox sandbox, string id) =>
            Control(sandbox, sandbox.OwnerOfCapture(id), c.Request.BaseUrl(), account =>
                PayPalShapes.Refund(PayPalLifecycle.Reverse(sandbox, account, account.Captures[id], sandbox.Clock.GetUtcNow(), c.Request.BaseUrl()), c.Request.BaseUrl())));

        // The payer disputes a capture: {"reason":"MERCHANDISE_OR_SERVICE_NOT_RECEIVED"} by default.
        control.MapPost("/captures/{id}/dispute", async (HttpContext c, PayPalSandbox sandbox, string id) =>
        {
            var body = await SandboxControlEndpoints.ReadJsonAsync(c);
            var reason = body["reason"]?.GetValue<string>() ?? "MERCHANDISE_OR_SERVICE_NOT_RECEIVED";
            return Control(sandbox, sandbox.OwnerOfCapture(id), c.Request.BaseUrl(), account =>
            {
                var capture = account.Captures[id];
                return PayPalShapes.Dispute(PayPalLifecycle.OpenDispute(sandbox, account, capture, reason, sandbox.Clock.GetUtcNow(), c.Request.BaseUrl()), capture, c.Request.BaseUrl());
            });
        });

        // PayPal's decision: {"winner":"payer"|"seller"}.
        control.MapPost("/disputes/{id}/resolve", async (HttpContext c, PayPalSandbox sandbox, string id) =>
        {
            var body = await SandboxControlEndpoints.ReadJsonAsync(c);
            var payerWins = body["winner"]?.GetValue<string>() switch
            {
                "payer" => true,
                "seller" => false,
                _ => (bool?)null,
            };
            if (payerWins is null)
            {
                return Results.BadRequest(new { error = "Say who wins: {\"winner\":\"payer\"} or {\"winner\":\"seller\"}." });
            }

            return Control(sandbox, sandbox.OwnerOfDispute(id), c.Request.BaseUrl(), account =>
            {
                var dispute = PayPalLifecycle.ResolveDispute(sandbox, account, account.Disputes[id], payerWins.Value, sandbox.Clock.GetUtcNow(), c.Request.BaseUrl());
                return PayPalShapes.Dispute(dispute, account.Captures[dispute.CaptureId], c.Request.BaseUrl());
            });
        });

        pp.Map("/{**rest}", (HttpContext c, PayPalApi api) => api.RunAsync(c, _ =>
            throw new PayPalApiError(404, "NOT_FOUND", $"{c.Request.Method} {c.Request.Path} is not an endpoint the Portal sandbox emulates.")));
    }

    private static PpResult ListEvents(PpCall call, IQueryCollection query)
    {
        static DateTimeOffset? Time(string? text, string name) =>
            text is null ? null
            : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment) ? moment
            : throw PayPalApiError.Invalid($"/{name}", "INVALID_PARAMETER_SYNTAX", "The value of a field does not conform to the expected format.");

        var start = Time(query["start_time"].FirstOrDefault(), "start_time");
        var end = Time(query["end_time"].FirstOrDefault(), "end_time");
        var pageSize = int.TryParse(query["page_size"].FirstOrDefault(), out var size) ? Math.Clamp(size, 1, 300) : 10;
        var page = int.TryParse(query["page"].FirstOrDefault(), out var number) ? Math.Max(number, 1) : 1;
        var matching = call.Account.Events
            .Where(e => (start is null || e.CreateTime >= start) && (end is null || e.CreateTime <= end))
            .Reverse()
            .ToList();
        var events = new JsonArray(matching.Skip((page - 1) * pageSize).Take(pageSize).Select(e => e.Event.DeepClone()).ToArray());
        var links = new JsonArray();
        if (page * pageSize < matching.Count)
        {
            var next = $"{call.BaseUrl}/sandbox/paypal/v1/notifications/webhooks-events?page_size={pageSize}&page={page + 1}"
                + (start is null ? "" : $"&start_time={Uri.EscapeDataString(query["start_time"]!)}")
                + (end is null ? "" : $"&end_time={Uri.EscapeDataString(query["end_time"]!)}");
            links.Add(PayPalShapes.Link(next, "next", "GET"));
        }

        return new PpResult(200, new JsonObject { ["events"] = events, ["count"] = events.Count, ["links"] = links });
    }

    private static PpOrder OrderOf(PpCall call, string id) =>
        call.Account.Orders.GetValueOrDefault(id) ?? throw PayPalApiError.NotFound("INVALID_RESOURCE_ID", $"Specified resource ID {id} does not exist. Please check the resource ID and try again.");

    private static PpCapture CaptureOf(PpCall call, string id) =>
        call.Account.Captures.GetValueOrDefault(id) ?? throw PayPalApiError.NotFound("INVALID_RESOURCE_ID", $"Specified resource ID {id} does not exist. Please check the resource ID and try again.");

    // SUCCESS only for a transmission the emulator sent, to this app's webhook, with its signature and the event
    // exactly as it was sent; anything else is FAILURE, as PayPal answers.
    private static PpResult Verify(PpCall call)
    {
        string Required(string name) =>
            call.Body[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
                ? text
                : throw PayPalApiError.Invalid($"/{name}", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");

        var transmissionId = Required("transmission_id");
        var (time, signature, certUrl, authAlgo, webhookId) = (Required("transmission_time"), Required("transmission_sig"), Required("cert_url"), Required("auth_algo"), Required("webhook_id"));
        var claimedEvent = call.Body["webhook_event"] as JsonObject
            ?? throw PayPalApiError.Invalid("/webhook_event", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
        var sent = call.Sandbox.Transmission(transmissionId);
        var genuine = sent is not null
            && sent.AccountClientId == call.Account.ClientId
            && sent.Time == time && sent.Signature == signature && sent.CertUrl == certUrl && sent.AuthAlgo == authAlgo
            && sent.WebhookId == webhookId
            && JsonNode.DeepEquals(sent.Event, claimedEvent);
        return new PpResult(200, new JsonObject { ["verification_status"] = genuine ? "SUCCESS" : "FAILURE" });
    }

    private static IResult Control(PayPalSandbox sandbox, PayPalAccount? account, string baseUrl, Func<PayPalAccount, JsonNode> act)
    {
        if (account is null)
        {
            return Results.NotFound(new { error = "No such order, capture or dispute." });
        }

        lock (account.Gate)
        {
            try
            {
                account.BaseUrl = baseUrl;
                return Results.Text(act(account).ToJsonString(), "application/json");
            }
            catch (PayPalApiError error)
            {
                return Results.Text(error.ToJson(PayPalApi.NewDebugId()).ToJsonString(), "application/json", statusCode: error.Status);
            }
        }
    }
}
