using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Portal.Sandbox.Stripe;

// The route table of the Stripe emulator, mounted at /sandbox/stripe (Stripe.net's ApiBase).
internal static class StripeEndpoints
{
    public static void MapStripeSandbox(this RouteGroupBuilder stripe)
    {
        var v1 = stripe.MapGroup("/v1");
        v1.MapGet("/account", (HttpContext c, StripeApi api) => api.RunAsync(c, StripeReads.Account));

        v1.MapPost("/customers", (HttpContext c, StripeApi api) => api.RunAsync(c, StripeCustomers.Create));
        v1.MapGet("/customers", (HttpContext c, StripeApi api) => api.RunAsync(c, StripeCustomers.List));
        v1.MapGet("/customers/{id}", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripeCustomers.Get(call, id)));
        v1.MapPost("/customers/{id}", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripeCustomers.Update(call, id)));

        v1.MapPost("/checkout/sessions", (HttpContext c, StripeApi api) => api.RunAsync(c, StripeCheckoutSessions.Create));
        v1.MapGet("/checkout/sessions", (HttpContext c, StripeApi api) => api.RunAsync(c, StripeCheckoutSessions.List));
        v1.MapGet("/checkout/sessions/{id}", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripeCheckoutSessions.Get(call, id)));
        v1.MapPost("/checkout/sessions/{id}/expire", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripeCheckoutSessions.Expire(call, id)));
        v1.MapGet("/checkout/sessions/{id}/line_items", (HttpContext c, StripeApi api, string id) =>
            api.RunAsync(c, call => StripeCheckoutSessions.LineItemsList(call.Account.Get<StripeCheckoutSession>(id, "checkout.session"))));

        v1.MapPost("/payment_intents", (HttpContext c, StripeApi api) => api.RunAsync(c, StripePaymentIntents.Create));
        v1.MapGet("/payment_intents/{id}", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripePaymentIntents.Get(call, id)));
        v1.MapGet("/payment_methods", (HttpContext c, StripeApi api) => api.RunAsync(c, StripeReads.PaymentMethods));
        v1.MapGet("/payment_methods/{id}", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripeReads.PaymentMethod(call, id)));
        v1.MapPost("/payment_methods/{id}/detach", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripeReads.DetachPaymentMethod(call, id)));
        v1.MapGet("/charges/{id}", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripeReads.Charge(call, id)));
        v1.MapGet("/balance_transactions", (HttpContext c, StripeApi api) => api.RunAsync(c, StripePayouts.BalanceTransactions));
        v1.MapGet("/payouts", (HttpContext c, StripeApi api) => api.RunAsync(c, StripePayouts.List));
        v1.MapGet("/payouts/{id}", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripePayouts.Get(call, id)));
        v1.MapGet("/balance_transactions/{id}", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripeReads.BalanceTransaction(call, id)));
        v1.MapGet("/disputes/{id}", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripeReads.Dispute(call, id)));

        v1.MapPost("/refunds", (HttpContext c, StripeApi api) => api.RunAsync(c, StripeRefunds.Create));
        v1.MapGet("/refunds/{id}", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripeRefunds.Get(call, id)));

        v1.MapGet("/events", (HttpContext c, StripeApi api) => api.RunAsync(c, StripeEvents.List));
        v1.MapGet("/events/{id}", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripeEvents.Get(call, id)));

        v1.MapPost("/webhook_endpoints", (HttpContext c, StripeApi api) => api.RunAsync(c, StripeWebhookEndpoints.Create));
        v1.MapGet("/webhook_endpoints", (HttpContext c, StripeApi api) => api.RunAsync(c, StripeWebhookEndpoints.List));
        v1.MapGet("/webhook_endpoints/{id}", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripeWebhookEndpoints.Get(call, id)));
        v1.MapDelete("/webhook_endpoints/{id}", (HttpContext c, StripeApi api, string id) => api.RunAsync(c, call => StripeWebhookEndpoints.Delete(call, id)));

        v1.Map("/{**rest}", (HttpContext c, StripeApi api) => api.RunAsync(c, call =>
            throw StripeApiError.NotFoundRoute(c.Request.Method, c.Request.Path)));

        stripe.MapGet("/pay/{id}", (StripeSandbox sandbox, string id) => StripeCheckoutPage.Show(sandbox, id));
        stripe.MapPost("/pay/{id}", (HttpContext c, StripeSandbox sandbox, string id) => StripeCheckoutPage.ActAsync(c, sandbox, id));

        stripe.MapGroup("/_control").MapStripeControl();
    }
}
