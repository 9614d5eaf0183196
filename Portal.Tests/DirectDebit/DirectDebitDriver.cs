using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.DirectDebit;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.GoCardless;
using Portal.Integrations;
using Portal.Providers.GoCardless;
using Portal.Tenancy;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;
using Portal.Webhooks;

namespace Portal.Tests.DirectDebit;

/// <summary>
/// Drives direct debit the way a client, GoCardless and a bank would: the portal opens the hosted flow, the payer
/// approves on the in-app sandbox's page, the sandbox's signed webhooks reach the portal's endpoint, scenarios move
/// payments on, and the processor applies what arrived. Only the portal's own GoCardless client talks to the API.
/// </summary>
public sealed class DirectDebitDriver(StripePortalApp app, TestFirm firm, string token)
{
    public const string WebhookSecret = "gc_webhook_secret_for_portal_tests";

    public TestFirm Firm => firm;

    public static async Task<DirectDebitDriver> ConnectAsync(StripePortalApp app, TestFirm firm)
    {
        var token = "sandbox_" + Guid.NewGuid().ToString("N");
        await app.AsStaffOfAsync<GoCardlessConnector>(firm, connector => connector.ConnectAsync(new GoCardlessConnectionInput(ProviderMode.Sandbox, token, WebhookSecret)));
        return new DirectDebitDriver(app, firm, token);
    }

    /// <summary>The test's own view of the creditor, through the portal's client.</summary>
    public GoCardlessClient GoCardless => app.Services.GetRequiredService<GoCardlessClients>().For(GoCardlessEnvironment.PortalSandbox, token);

    public async Task<DirectDebitStart> PayAsync(TestClient client, IReadOnlyList<InvoiceAmount> invoices, Money? prepayment = null, string? requestKey = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firm.Id, client.Id);
        return await scope.ServiceProvider.GetRequiredService<DirectDebitPayments>().StartAsync(
            new DirectDebitRequest(client.Id, invoices, prepayment, requestKey ?? Guid.NewGuid().ToString("N"), app.BaseUrl));
    }

    /// <summary>What the payer's browser does on the hosted flow page; returns where it is sent back to.</summary>
    public async Task<Uri?> ApproveAsync(Uri authorisationUrl, string choice = "approve")
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var response = await browser.PostAsync(authorisationUrl, new FormUrlEncodedContent([new("action", choice), new("account_number", "12345678")]));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return response.Headers.Location;
    }

    /// <summary>A GoCardless sandbox scenario (payment_confirmed, payment_charged_back, mandate_cancelled…) on a resource.</summary>
    public async Task RunScenarioAsync(string scenario, string resourceId)
    {
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/gocardless/_control/") };
        (await control.PostAsJsonAsync($"scenarios/{scenario}", new { resource = resourceId })).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Applies what arrives until webhooks of these types (resource.action) have all reached the inbox and been applied.
    /// Applying one event can make GoCardless send the next (a fulfilled billing request leads to a payment), so
    /// waiting and applying alternate.
    /// </summary>
    public async Task ApplyWebhooksAsync(params string[] types)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            while (await app.ProcessWebhooksAsync() > 0)
            {
            }
            var inbox = await app.InboxAsync();
            var missing = types.Where(t => inbox.Count(e => e.FirmId == firm.Id && e.Type == t) < types.Count(x => x == t)).ToList();
            if (missing.Count == 0)
                break;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("These GoCardless webhooks never arrived: " + string.Join(", ", missing));
            await Task.Delay(50);
        }
        while (await app.ProcessWebhooksAsync() > 0)
        {
        }
        // Only this firm's events: a late redelivery for an earlier test's firm can slip in while the database is reset.
        var failing = (await app.InboxAsync()).Where(e => e.FirmId == firm.Id && (e.Status == WebhookEventStatus.Parked || e.LastError != null)).ToList();
        failing.ShouldBeEmpty(string.Join("; ", failing.Select(e => $"{e.Type}: {e.LastError}")));
    }

    /// <summary>Posts a GoCardless delivery to the firm's endpoint, signed with <paramref name="secret"/>.</summary>
    public Task<HttpResponseMessage> PostEventsAsync(string body, string secret = WebhookSecret) => PostEventsAsync(app, firm.Key, body, secret);

    /// <summary>Posts a GoCardless delivery to <paramref name="firmKey"/>'s endpoint, signed with <paramref name="secret"/>, as GoCardless signs it.</summary>
    public static async Task<HttpResponseMessage> PostEventsAsync(PortalApp app, string firmKey, string body, string secret, string contentType = "application/json")
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/gocardless/{firmKey}") { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.TryAddWithoutValidation("Webhook-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));
        return await http.SendAsync(request);
    }

    public static string Delivery(params JsonObject[] events) =>
        new JsonObject { ["events"] = new JsonArray(events), ["meta"] = new JsonObject { ["webhook_id"] = "WB" + Guid.NewGuid().ToString("N")[..10] } }.ToJsonString();

    public static JsonObject PaymentEvent(string action, string paymentId, string? eventId = null, bool? willAttemptRetry = null, string? cause = null) => new()
    {
        ["id"] = eventId ?? "EV" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant(),
        ["created_at"] = new TestClock().GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
        ["resource_type"] = "payments",
        ["action"] = action,
        ["links"] = new JsonObject { ["payment"] = paymentId },
        ["details"] = new JsonObject
        {
            ["origin"] = "bank", ["cause"] = cause ?? (action == "failed" ? "insufficient_funds" : "payment_" + action), ["description"] = "From the test.",
            ["will_attempt_retry"] = willAttemptRetry,
        },
        ["metadata"] = new JsonObject(),
    };

    public async Task<Payment> PaymentAsync(Guid paymentId)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.Payments.AsNoTracking().SingleAsync(p => p.Id == paymentId);
    }

    public async Task<string> ProviderPaymentIdAsync(Guid paymentId) => (await PaymentAsync(paymentId)).ProviderPaymentId.ShouldNotBeNull();

    public async Task<List<DirectDebitMandate>> MandatesAsync(TestClient client)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.DirectDebitMandates.AsNoTracking().Where(m => m.ClientAccountId == client.Id).ToListAsync();
    }

    /// <summary>A client with an active mandate, set up through the hosted flow without paying.</summary>
    public async Task<DirectDebitMandate> ActiveMandateAsync(TestClient client)
    {
        // The firm's earlier clients' mandates sent theirs already: wait for one more.
        var fulfilledBefore = (await app.InboxAsync()).Count(e => e.FirmId == firm.Id && e.Type == "billing_requests.fulfilled");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firm.Id, client.Id);
            var url = await scope.ServiceProvider.GetRequiredService<DirectDebitPayments>().StartMandateSetupAsync(client.Id, client.Currency, app.BaseUrl);
            await ApproveAsync(url, "approve_active");
        }
        await ApplyWebhooksAsync([.. Enumerable.Repeat("billing_requests.fulfilled", fulfilledBefore + 1)]);
        return (await MandatesAsync(client)).ShouldHaveSingleItem();
    }

    public static LedgerAccount Clearing => LedgerAccount.Clearing(PaymentProvider.GoCardless);
}
