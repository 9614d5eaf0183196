using System.Net;
using Microsoft.AspNetCore.Hosting;
using Portal.Demo;
using Portal.Tests.Stripe;

namespace Portal.Tests.DirectDebit;

/// <summary>The demo firm's sandbox GoCardless connection verifies webhooks with the secret set in configuration.</summary>
public sealed class DemoGoCardlessConnectionTests : IAsyncLifetime
{
    private const string ConfiguredSecret = "gc_demo_from_configuration_0123456789";
    private readonly DemoGoCardlessApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_delivery_signed_by_hand_with_the_configured_secret_is_accepted_and_others_refused()
    {
        var delivery = DirectDebitDriver.Delivery(DirectDebitDriver.PaymentEvent("confirmed", "PM0000DEMO01"));

        using var configured = await DirectDebitDriver.PostEventsAsync(_app, DemoData.FirmKey, delivery, ConfiguredSecret);
        using var other = await DirectDebitDriver.PostEventsAsync(_app, DemoData.FirmKey, delivery, "gc_some_other_secret");
        using var notJson = await DirectDebitDriver.PostEventsAsync(_app, DemoData.FirmKey, delivery, ConfiguredSecret, contentType: "text/plain");

        configured.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        other.StatusCode.ShouldNotBe(HttpStatusCode.NoContent);
        notJson.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await _app.InboxAsync()).ShouldContain(e => e.Type == "payments.confirmed" && e.Body.Contains("PM0000DEMO01", StringComparison.Ordinal));
    }

    private sealed class DemoGoCardlessApp : StripePortalApp
    {
        protected override bool SeedDemoData => true;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Sandbox:GoCardless:WebhookSecret", ConfiguredSecret);
        }
    }
}
