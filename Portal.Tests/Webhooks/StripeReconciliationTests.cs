using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Integrations;
using Portal.Providers.Stripe;
using Portal.Sandbox.Common;
using Portal.Tests.Sandbox.Stripe;
using Portal.Tests.Stripe;
using Portal.Webhooks;
using Stripe;

namespace Portal.Tests.Webhooks;

public sealed class StripeReconciliationTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task PayOnHostedPageAsync(StripeClient stripe)
    {
        var session = await stripe.V1.Checkout.Sessions.CreateAsync(StripeTestbed.SessionOptions(4_200));
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var response = await browser.PostAsync(session.Url, new FormUrlEncodedContent([new("action", "pay")]));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    // The emulator's deliveries to the portal, all made (or given up on).
    private Task<bool> DeliveredAsync() =>
        app.Services.GetRequiredService<WebhookQueue>().WaitUntilSettledAsync(SandboxProvider.Stripe, TimeSpan.FromSeconds(10), CancellationToken.None);

    [Fact]
    public async Task Sandbox_events_reach_the_portals_own_webhook_endpoint_signed_for_the_firm()
    {
        var firm = await app.AFirmAsync();
        var key = StripePortalApp.NewSandboxKey();
        await app.ConnectStripeAsync(firm, ProviderMode.Sandbox, key, webhookSecret: null);

        await PayOnHostedPageAsync(app.SandboxStripe(key));

        (await DeliveredAsync()).ShouldBeTrue();
        var inbox = await app.InboxAsync();
        inbox.ShouldContain(e => e.Type == EventTypes.CheckoutSessionCompleted && e.FirmId == firm.Id);
    }

    [Fact]
    public async Task Reconciliation_adds_events_whose_webhooks_never_arrived_and_only_once()
    {
        var firm = await app.AFirmAsync();
        var key = StripePortalApp.NewSandboxKey();
        await app.ConnectStripeAsync(firm, ProviderMode.Sandbox, key, webhookSecret: null);
        var stripe = app.SandboxStripe(key);
        // Deliveries are lost: the endpoint is gone from Stripe's side.
        foreach (var endpoint in (await stripe.V1.WebhookEndpoints.ListAsync()).Data)
            await stripe.V1.WebhookEndpoints.DeleteAsync(endpoint.Id);

        await PayOnHostedPageAsync(stripe);
        (await app.InboxAsync()).ShouldBeEmpty();

        var added = await ReconcileAsync();
        var addedAgain = await ReconcileAsync();

        var stripeEvents = (await stripe.V1.Events.ListAsync()).Data;
        added.ShouldBe(stripeEvents.Count);
        addedAgain.ShouldBe(0);
        var inbox = await app.InboxAsync();
        inbox.Select(e => e.ProviderEventId).ShouldBe(stripeEvents.Select(e => e.Id), ignoreOrder: true);
        inbox.ShouldContain(e => e.Type == EventTypes.CheckoutSessionCompleted && e.FirmId == firm.Id);

        await app.ProcessWebhooksAsync();
        (await app.InboxAsync()).ShouldAllBe(e => e.Status == WebhookEventStatus.Applied || e.Status == WebhookEventStatus.Ignored);
    }

    private async Task<int> ReconcileAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<StripeEventReconciliation>().ReconcileAsync();
    }
}
