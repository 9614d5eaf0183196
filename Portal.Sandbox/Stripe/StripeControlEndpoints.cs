using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.Stripe;

// /sandbox/stripe/_control: things a payer or a bank would do, on demand for tests.
internal static class StripeControlEndpoints
{
    public static void MapStripeControl(this RouteGroupBuilder control)
    {
        control.MapSharedControl(SandboxProvider.Stripe);
        MapPayouts(control);

        control.MapPost("/checkout_sessions/{id}/settle", (StripeSandbox sandbox, string id) =>
            OnOwner(sandbox, id, action =>
            {
                var session = action.Account.Get<StripeCheckoutSession>(id, "checkout.session");
                var settled = StripeCheckoutOutcomes.SettleDelayedPayment(action, session);
                return settled
                    ? Results.Text(StripeJson.Serialize(session), "application/json")
                    : Results.Conflict(new { error = $"Checkout session {id} has no delayed payment waiting to settle." });
            }));

        // A saved card's next charges decline with this code (insufficient_funds, authentication_required…), or succeed
        // again with none: what happens to real cards between the day they are saved and the day they are charged.
        control.MapPost("/payment_methods/{id}/decline", async (HttpContext context, StripeSandbox sandbox, string id) =>
        {
            var body = await SandboxControlEndpoints.ReadJsonAsync(context);
            var code = body["decline_code"]?.GetValue<string>();
            return OnOwner(sandbox, id, action =>
            {
                var method = action.Account.Get<StripePaymentMethod>(id, "payment_method");
                method.DeclineCode = string.IsNullOrEmpty(code) ? null : code;
                return Results.Text(StripeJson.Serialize(method), "application/json");
            });
        });

        control.MapPost("/refunds/{id}/fail", async (HttpContext context, StripeSandbox sandbox, string id) =>
        {
            var body = await SandboxControlEndpoints.ReadJsonAsync(context);
            var reason = body["failure_reason"]?.GetValue<string>() ?? "expired_or_canceled_card";
            return OnOwner(sandbox, id, action =>
            {
                var refund = action.Account.Get<StripeRefund>(id, "refund");
                StripeRefunds.Fail(action, refund, reason);
                return Results.Text(StripeJson.Serialize(refund), "application/json");
            });
        });

        control.MapPost("/charges/{id}/dispute", async (HttpContext context, StripeSandbox sandbox, string id) =>
        {
            var body = await SandboxControlEndpoints.ReadJsonAsync(context);
            var reason = body["reason"]?.GetValue<string>() ?? "fraudulent";
            return OnOwner(sandbox, id, action =>
            {
                var charge = action.Account.Get<StripeCharge>(id, "charge");
                return Results.Text(StripeJson.Serialize(StripeDisputes.Open(action, charge, reason)), "application/json");
            });
        });

        control.MapPost("/disputes/{id}/close", async (HttpContext context, StripeSandbox sandbox, string id) =>
        {
            var body = await SandboxControlEndpoints.ReadJsonAsync(context);
            var outcome = body["outcome"]?.GetValue<string>();
            if (outcome is not ("won" or "lost"))
            {
                return Results.BadRequest(new { error = "outcome must be won or lost" });
            }

            return OnOwner(sandbox, id, action =>
            {
                var dispute = action.Account.Get<StripeDispute>(id, "dispute");
                StripeDisputes.Close(action, dispute, won: outcome == "won");
                return Results.Text(StripeJson.Serialize(dispute), "application/json");
            });
        });
    }

    // Stripe's automatic payout, on demand: everything in the account's balance of that currency goes to the bank.
    // The account is the one that owns the named object (a charge, a payment intent, a customer…).
    private static void MapPayouts(RouteGroupBuilder control)
    {
        control.MapPost("/payouts", async (HttpContext context, StripeSandbox sandbox) =>
        {
            var body = await SandboxControlEndpoints.ReadJsonAsync(context);
            var owner = body["account_of"]?.GetValue<string>();
            var currency = body["currency"]?.GetValue<string>();
            if (owner is null || currency is null)
            {
                return Results.BadRequest(new { error = "account_of (an object id of the account) and currency are required" });
            }

            return OnOwner(sandbox, owner, action => Results.Text(StripeJson.Serialize(StripePayouts.PayOutAvailable(action, currency)), "application/json"));
        });

        control.MapPost("/payouts/{id}/fail", (StripeSandbox sandbox, string id) =>
            OnOwner(sandbox, id, action =>
                Results.Text(StripeJson.Serialize(StripePayouts.Fail(action, action.Account.Get<StripePayout>(id, "payout"))), "application/json")));
    }

    private static IResult OnOwner(StripeSandbox sandbox, string id, Func<StripeAction, IResult> apply)
    {
        var account = sandbox.OwnerOf(id);
        if (account is null)
        {
            return Results.NotFound(new { error = $"No such object: {id}" });
        }

        lock (account.Gate)
        {
            try
            {
                return apply(new StripeAction(account, sandbox.Clock.GetUtcNow(), null));
            }
            catch (StripeApiError error)
            {
                return Results.Text(error.ToJson().ToJsonString(), "application/json", statusCode: error.Status);
            }
        }
    }
}
