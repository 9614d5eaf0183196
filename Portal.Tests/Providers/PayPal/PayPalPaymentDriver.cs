using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Account;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Providers.PayPal;
using Portal.Providers.PayPal.Api;
using Portal.Providers.PayPal.Checkout;
using Portal.Tenancy;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;
using Portal.Webhooks;

namespace Portal.Tests.Providers.PayPal;

/// <summary>
/// Drives a PayPal payment the way a client and PayPal would: the portal creates the order, the payer chooses on the
/// emulator's approval page, the browser comes back to the portal's return URL, the emulator's verified webhooks reach
/// the portal's endpoint, and the processor applies them.
/// </summary>
public sealed class PayPalPaymentDriver(StripePortalApp app, TestFirm firm)
{
    public static async Task<PayPalPaymentDriver> ConnectAsync(StripePortalApp app, TestFirm firm)
    {
        var accessor = app.Services.GetRequiredService<IHttpContextAccessor>();
        var owner = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, Roles.Owner), new Claim(PortalClaims.Firm, firm.Id.ToString())], authenticationType: "Test"));
        var previous = accessor.HttpContext;
        accessor.HttpContext = new DefaultHttpContext { User = owner };
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firm.Id);
            await scope.ServiceProvider.GetRequiredService<PayPalConnector>().ConnectAsync(
                new PayPalConnectionInput(ProviderMode.Sandbox, "sandbox_" + Guid.NewGuid().ToString("N"), "secret-" + Guid.NewGuid(), null));
        }
        finally
        {
            accessor.HttpContext = previous;
        }
        return new PayPalPaymentDriver(app, firm);
    }

    public Task<PayPalCheckout> StartAsync(TestClient client, IReadOnlyList<InvoiceAmount> invoices, Money? prepayment = null) =>
        app.AsClientAsync<PayPalCheckoutStarter, PayPalCheckout>(client, starter =>
            starter.StartAsync(new PayPalPaymentRequest(client.Id, invoices, prepayment, Guid.NewGuid().ToString("N"), app.BaseUrl)));

    /// <summary>What the payer's browser does on PayPal's approval page; returns where it is sent back to.</summary>
    public static Task<Uri> ChooseAsync(PayPalCheckout checkout, string choice) => ChooseAsync(new Uri(checkout.ApproveUrl), choice);

    /// <summary>What the payer's browser does on the approval page at <paramref name="approveUrl"/>; returns where it is sent back to.</summary>
    public static async Task<Uri> ChooseAsync(Uri approveUrl, string choice)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var response = await browser.PostAsync(approveUrl, new FormUrlEncodedContent([new("action", choice), new("email", "payer@example.test")]));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!;
    }

    /// <summary>The client's browser arriving at the URL PayPal sent it back to, signed in as the client's contact.</summary>
    public async Task<HttpResponseMessage> ReturnAsync(TestClient client, Uri backTo)
    {
        using var session = await app.SignInAsync(client.Contact);
        return await session.GetAsync(backTo.PathAndQuery);
    }

    /// <summary>A paid PayPal payment: approved, returned to the portal (which captures), and PayPal's webhooks applied.</summary>
    public async Task<PayPalCheckout> PaidAsync(TestClient client, IReadOnlyList<InvoiceAmount> invoices)
    {
        var checkout = await StartAsync(client, invoices);
        using (var back = await ReturnAsync(client, await ChooseAsync(checkout, "approve")))
            back.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await ApplyWebhooksAsync("CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.COMPLETED");
        return checkout;
    }

    public Task ControlAsync(string path) => ControlAsync(path, new { });

    /// <summary>Asks the emulator to act as PayPal or the payer would; returns the object it answers with.</summary>
    public async Task<System.Text.Json.Nodes.JsonNode> ControlAsync(string path, object body)
    {
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/paypal/_control/") };
        using var response = await control.PostAsJsonAsync(path, body);
        var answer = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, answer);
        return System.Text.Json.Nodes.JsonNode.Parse(answer)!;
    }

    /// <summary>The payer disputes the payment's capture; returns the dispute's id.</summary>
    public async Task<string> DisputeAsync(Guid paymentId)
    {
        var capture = (await PaymentAsync(paymentId)).ProviderPaymentId.ShouldNotBeNull();
        return (await ControlAsync($"captures/{capture}/dispute", new { reason = "MERCHANDISE_OR_SERVICE_NOT_AS_DESCRIBED" }))["dispute_id"]!.GetValue<string>();
    }

    /// <summary>PayPal decides a dispute for the payer or for the seller.</summary>
    public Task ResolveDisputeAsync(string disputeId, string winner) => ControlAsync($"disputes/{disputeId}/resolve", new { winner });

    public Task<PayPalClient> ClientAsync() => app.AsProviderForAsync<PayPalConnector, PayPalClient>(firm, connector => connector.ClientAsync());

    /// <summary>Waits until the emulator's webhooks of these types have reached the inbox.</summary>
    public async Task<List<WebhookEvent>> ArrivedAsync(params string[] types)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var inbox = (await app.InboxAsync()).Where(e => e.FirmId == firm.Id).ToList();
            var missing = types.Where(t => inbox.Count(e => e.Type == t) < types.Count(x => x == t)).ToList();
            if (missing.Count == 0)
                return inbox;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("These PayPal webhooks never arrived: " + string.Join(", ", missing));
            await Task.Delay(50);
        }
    }

    /// <summary>Waits for the webhooks, then applies everything due; none may fail.</summary>
    public async Task ApplyWebhooksAsync(params string[] types)
    {
        await ArrivedAsync(types);
        await app.ProcessWebhooksAsync();
        var inbox = await app.InboxAsync();
        inbox.ShouldNotContain(e => e.Status == WebhookEventStatus.Parked || e.LastError != null,
            string.Join("; ", inbox.Where(e => e.LastError != null).Select(e => $"{e.Type}: {e.LastError}")));
    }

    public async Task<Payment> PaymentAsync(Guid paymentId)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.Payments.AsNoTracking().SingleAsync(p => p.Id == paymentId);
    }

    public async Task<int> LedgerTransactionsAsync(Guid paymentId, Portal.Domain.Ledger.LedgerTransactionKind kind)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.LedgerTransactions.CountAsync(t => t.PaymentId == paymentId && t.Kind == kind);
    }
}
