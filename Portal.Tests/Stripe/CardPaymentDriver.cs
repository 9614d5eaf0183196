using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Providers.Stripe;
using Portal.Tenancy;
using Portal.Tests.Fixture;
using Portal.Webhooks;

namespace Portal.Tests.Stripe;

/// <summary>
/// Drives a card payment the way a client and Stripe would: the portal starts checkout, the payer chooses on the
/// sandbox's hosted page, the sandbox's signed webhooks reach the portal's endpoint, and the processor applies them.
/// </summary>
public sealed class CardPaymentDriver(StripePortalApp app, TestFirm firm, string stripeKey)
{
    public static async Task<CardPaymentDriver> ConnectAsync(StripePortalApp app, TestFirm firm)
    {
        var key = StripePortalApp.NewSandboxKey();
        await app.ConnectStripeAsync(firm, ProviderMode.Sandbox, key, webhookSecret: null);
        return new CardPaymentDriver(app, firm, key);
    }

    public global::Stripe.StripeClient Stripe => app.SandboxStripe(stripeKey);

    public async Task<CardCheckout> StartAsync(TestClient client, IReadOnlyList<InvoiceAmount> invoices, Money? prepayment = null, bool saveCard = false)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firm.Id, client.Id);
        return await scope.ServiceProvider.GetRequiredService<StripeCheckoutStarter>().StartAsync(
            new CardPaymentRequest(client.Id, invoices, prepayment, Guid.NewGuid().ToString("N"), app.BaseUrl, client.Contact.Email) { SaveCardForAutomaticPayment = saveCard });
    }

    /// <summary>What happens to a real card between the day it is saved and the day it is charged: it starts declining with this code (or, with null, works again).</summary>
    public async Task CardDeclinesAsync(string paymentMethodId, string? declineCode)
    {
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/stripe/_control/") };
        (await control.PostAsJsonAsync($"payment_methods/{paymentMethodId}/decline", new { decline_code = declineCode })).EnsureSuccessStatusCode();
    }

    /// <summary>A card payment the client started, paid on the hosted page, and whose webhook the portal applied.</summary>
    public async Task<CardCheckout> PaidAsync(TestClient client, IReadOnlyList<InvoiceAmount> invoices, Money? prepayment = null)
    {
        var checkout = await StartAsync(client, invoices, prepayment);
        await ChooseAsync(checkout, "pay");
        await ApplyWebhooksAsync(global::Stripe.EventTypes.CheckoutSessionCompleted);
        return checkout;
    }

    /// <summary>What the payer's browser does on the hosted page; returns where it is sent back to.</summary>
    public async Task<Uri?> ChooseAsync(CardCheckout checkout, string choice)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var response = await browser.PostAsync(checkout.Url, new FormUrlEncodedContent([new("action", choice)]));
        response.StatusCode.ShouldBeOneOf(HttpStatusCode.Redirect, HttpStatusCode.OK);
        return response.Headers.Location;
    }

    /// <summary>The sandbox settles a delayed (SEPA-like) payment, as the bank eventually does.</summary>
    public async Task SettleDelayedAsync(CardCheckout checkout)
    {
        var sessionId = (await PaymentAsync(checkout.PaymentId)).ProviderCheckoutId;
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/stripe/_control/") };
        (await control.PostAsync($"checkout_sessions/{sessionId}/settle", null)).EnsureSuccessStatusCode();
    }

    public async Task<string> OpenDisputeAsync(Guid paymentId)
    {
        var intent = await Stripe.V1.PaymentIntents.GetAsync((await PaymentAsync(paymentId)).ProviderPaymentId);
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/stripe/_control/") };
        var response = await control.PostAsJsonAsync($"charges/{intent.LatestChargeId}/dispute", new { reason = "fraudulent" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!.GetValue<string>();
    }

    /// <summary>The card a refund went to could not take it (closed, lost, expired), as the bank answers days later.</summary>
    public async Task FailRefundAsync(string refundId, string reason = "expired_or_canceled_card")
    {
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/stripe/_control/") };
        (await control.PostAsJsonAsync($"refunds/{refundId}/fail", new { failure_reason = reason })).EnsureSuccessStatusCode();
    }

    public async Task CloseDisputeAsync(string disputeId, string outcome)
    {
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/stripe/_control/") };
        (await control.PostAsJsonAsync($"disputes/{disputeId}/close", new { outcome })).EnsureSuccessStatusCode();
    }

    /// <summary>Waits until the sandbox's webhooks of these types have reached the inbox, then applies everything due.</summary>
    public async Task ApplyWebhooksAsync(params string[] types)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var inbox = await app.InboxAsync();
            var missing = types.Where(t => inbox.Count(e => e.FirmId == firm.Id && e.Type == t) < types.Count(x => x == t)).ToList();
            if (missing.Count == 0)
                break;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("These Stripe webhooks never arrived: " + string.Join(", ", missing));
            await Task.Delay(50);
        }
        await app.ProcessWebhooksAsync();
        (await app.InboxAsync()).ShouldNotContain(e => e.Status == WebhookEventStatus.Parked || e.LastError != null,
            string.Join("; ", (await app.InboxAsync()).Where(e => e.LastError != null).Select(e => $"{e.Type}: {e.LastError}")));
    }

    public async Task<Payment> PaymentAsync(Guid paymentId)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.Payments.AsNoTracking().SingleAsync(p => p.Id == paymentId);
    }
}
