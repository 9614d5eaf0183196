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

        control.MapPost("/checkout_sessions/{id}/settle", (StripeSandbox sandbox, string id) =>
            OnOwner(sandbox, id, action =>
            {
                var session = action.Account.Get<StripeCheckoutSession>(id, "checkout.session");
                var settled = StripeCheckoutOutcomes.SettleDelayedPayment(action, session);
                return settled
                    ? Results.Text(StripeJson.Serialize(session), "application/json")
                    : Results.Conflict(new { error = $"Checkout session {id} has no delayed payment waiting to settle." });
            }));

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
