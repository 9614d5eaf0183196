using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Demo;
using Portal.Providers.InAppSandbox;
using Portal.Sandbox.Common;
using Stripe;

namespace Portal.Tests.Stripe;

/// <summary>The demo firm's sandbox Stripe connection signs and verifies webhooks with the secret set in configuration.</summary>
public sealed class DemoStripeConnectionTests : IAsyncLifetime
{
    private const string ConfiguredSecret = "whsec_demo_from_configuration_0123456789";
    private readonly DemoStripeApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Events_signed_with_the_configured_secret_are_accepted_and_others_refused()
    {
        using var configured = await _app.PostStripeEventAsync(DemoData.FirmKey, StripePortalApp.StripeEventJson("checkout.session.completed", "evt_demo_1"), secret: ConfiguredSecret);
        using var other = await _app.PostStripeEventAsync(DemoData.FirmKey, StripePortalApp.StripeEventJson("checkout.session.completed", "evt_demo_2"));

        (configured.StatusCode, other.StatusCode).ShouldBe((HttpStatusCode.OK, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task The_emulator_signs_the_demo_firms_events_with_the_configured_secret()
    {
        // Any object created on the demo account makes the emulator send an event to the demo firm's webhook URL.
        var stripe = _app.SandboxStripe(DemoData.SandboxStripeKey);
        var customer = await WhenRegisteredAsync(() => stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "someone@demo.example" }));

        (await _app.Services.GetRequiredService<WebhookQueue>().WaitUntilSettledAsync(SandboxProvider.Stripe, TimeSpan.FromSeconds(20), CancellationToken.None)).ShouldBeTrue();

        (await _app.InboxAsync()).ShouldContain(e => e.Type == "customer.created" && e.Body.Contains(customer.Id, StringComparison.Ordinal));
    }

    // The webhook is registered with the emulator once the app listens: create the object only after that.
    private async Task<T> WhenRegisteredAsync<T>(Func<Task<T>> create)
    {
        var registration = _app.Services.GetServices<IHostedService>().OfType<SandboxWebhookRegistration>().Single();
        await registration.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(20));
        var endpoints = await _app.SandboxStripe(DemoData.SandboxStripeKey).V1.WebhookEndpoints.ListAsync();
        endpoints.Data.ShouldContain(e => e.Url.EndsWith($"/webhooks/stripe/{DemoData.FirmKey}", StringComparison.Ordinal));
        return await create();
    }

    private sealed class DemoStripeApp : StripePortalApp
    {
        protected override bool SeedDemoData => true;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Sandbox:Stripe:WebhookSecret", ConfiguredSecret);
        }
    }
}
