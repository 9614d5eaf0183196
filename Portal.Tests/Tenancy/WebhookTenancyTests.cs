using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Domain.Payments;
using Portal.GoCardless;
using Portal.Integrations;
using Portal.Providers.GoCardless;
using Portal.Tests.DirectDebit;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;
using Portal.Tests.Webhooks;
using Portal.Webhooks;

namespace Portal.Tests.Tenancy;

/// <summary>
/// A provider event belongs to the firm whose endpoint received it: the same event id sent to two firms (two firms on one
/// provider account, or one firm sending another's ids first) is stored and applied for each. And an endpoint answers a
/// firm key without a connection exactly as it answers a bad signature, so no one learns who is connected.
/// </summary>
public sealed class WebhookTenancyTests(WebhookTestApp app) : IClassFixture<WebhookTestApp>, IAsyncLifetime
{
    private const string GoCardlessSecret = "gc_webhook_secret_for_tenancy_tests";

    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task One_stripe_event_id_sent_to_two_firms_is_stored_and_applied_for_each_once()
    {
        var firmA = await AStripeFirmAsync();
        var firmB = await AStripeFirmAsync();
        var body = StripePortalApp.StripeEventJson(WebhookTestApp.Counted, "evt_shared_by_two_firms");

        using var toB = await app.PostStripeEventAsync(firmB.Key, body);
        using var toA = await app.PostStripeEventAsync(firmA.Key, body);
        await app.ProcessWebhooksAsync();
        using var againToA = await app.PostStripeEventAsync(firmA.Key, body);
        await app.ProcessWebhooksAsync();

        (await toB.Content.ReadAsStringAsync()).ShouldContain("\"duplicate\":false");
        (await toA.Content.ReadAsStringAsync()).ShouldContain("\"duplicate\":false");
        (await againToA.Content.ReadAsStringAsync()).ShouldContain("\"duplicate\":true");
        var inbox = await app.InboxAsync();
        inbox.Select(e => e.FirmId).Order().ShouldBe(new[] { firmA.Id, firmB.Id }.Order());
        inbox.ShouldAllBe(e => e.ProviderEventId == "evt_shared_by_two_firms" && e.Status == WebhookEventStatus.Applied);
        app.Journal.CallsPerFirm[(firmA.Id, "evt_shared_by_two_firms")].ShouldBe(1);
        app.Journal.CallsPerFirm[(firmB.Id, "evt_shared_by_two_firms")].ShouldBe(1);
    }

    [Fact]
    public async Task One_gocardless_event_id_sent_to_two_firms_is_stored_for_each_once()
    {
        var firmA = await AGoCardlessFirmAsync();
        var firmB = await AGoCardlessFirmAsync();
        var body = DirectDebitDriver.Delivery(DirectDebitDriver.PaymentEvent("confirmed", "PM0000SHARED", eventId: "EVSHAREDBYTWO"));

        using var toB = await PostGoCardlessAsync(firmB.Key, body);
        using var toA = await PostGoCardlessAsync(firmA.Key, body);
        using var againToA = await PostGoCardlessAsync(firmA.Key, body);

        (toB.StatusCode, toA.StatusCode, againToA.StatusCode).ShouldBe((HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent));
        var inbox = await app.InboxAsync();
        inbox.ShouldAllBe(e => e.Provider == PaymentProvider.GoCardless && e.ProviderEventId == "EVSHAREDBYTWO");
        inbox.Select(e => e.FirmId).Order().ShouldBe(new[] { firmA.Id, firmB.Id }.Order());
    }

    [Fact]
    public async Task Stripe_answers_an_unknown_firm_key_and_a_bad_signature_alike()
    {
        var connected = await AStripeFirmAsync();
        var unconnected = await app.AFirmAsync();
        var body = StripePortalApp.StripeEventJson("checkout.session.completed");

        var answers = new List<(HttpStatusCode, string)>();
        foreach (var (key, secret) in new[] { ("no-such-firm", StripePortalApp.WebhookSecret), (unconnected.Key, StripePortalApp.WebhookSecret), (connected.Key, "whsec_not_this_firms") })
        {
            using var response = await app.PostStripeEventAsync(key, body, secret);
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        answers.Distinct().ShouldHaveSingleItem().Item1.ShouldBe(HttpStatusCode.BadRequest);
        (await app.InboxAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task GoCardless_answers_an_unknown_firm_key_and_a_bad_signature_alike()
    {
        var connected = await AGoCardlessFirmAsync();
        var unconnected = await app.AFirmAsync();
        var body = DirectDebitDriver.Delivery(DirectDebitDriver.PaymentEvent("confirmed", "PM0000ANYONE"));

        var answers = new List<(HttpStatusCode, string)>();
        foreach (var (key, secret) in new[] { ("no-such-firm", GoCardlessSecret), (unconnected.Key, GoCardlessSecret), (connected.Key, "not-this-firms-secret") })
        {
            using var response = await PostGoCardlessAsync(key, body, secret);
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        ((int)answers.Distinct().ShouldHaveSingleItem().Item1).ShouldBe(GoCardlessWebhookVerifier.InvalidTokenStatus);
        (await app.InboxAsync()).ShouldBeEmpty();
    }

    private async Task<TestFirm> AStripeFirmAsync()
    {
        var firm = await app.AFirmAsync();
        await app.ConnectStripeAsync(firm, ProviderMode.Test, "sk_test_abcdef123456");
        return firm;
    }

    private async Task<TestFirm> AGoCardlessFirmAsync()
    {
        var firm = await app.AFirmAsync();
        await app.AsStaffOfAsync<GoCardlessConnector>(firm, connector =>
            connector.ConnectAsync(new GoCardlessConnectionInput(ProviderMode.Sandbox, "sandbox_" + Guid.NewGuid().ToString("N"), GoCardlessSecret)));
        return firm;
    }

    private async Task<HttpResponseMessage> PostGoCardlessAsync(string firmKey, string body, string secret = GoCardlessSecret)
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/gocardless/{firmKey}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Webhook-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));
        return await http.SendAsync(request);
    }
}
