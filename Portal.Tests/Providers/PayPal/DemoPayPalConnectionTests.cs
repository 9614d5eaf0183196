using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Account;
using Portal.Demo;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Providers.PayPal;
using Portal.Sandbox;
using Portal.Tenancy;
using Portal.Tests.Stripe;

namespace Portal.Tests.Providers.PayPal;

/// <summary>The demo firm is connected to the in-app PayPal sandbox, and the emulator's webhook points back at it.</summary>
public sealed class DemoPayPalConnectionTests : IAsyncLifetime
{
    private readonly DemoPayPalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task The_demo_firms_paypal_app_gets_a_token_and_its_webhook_points_at_its_connection()
    {
        Guid firmId, connectionId;
        await using (var db = _app.OpenDb())
        {
            var connection = await db.ProviderConnections.IgnoreQueryFilters().SingleAsync(c => c.Provider == PaymentProvider.PayPal);
            (firmId, connectionId) = (connection.FirmId, connection.Id);
            connection.Mode.ShouldBe(ProviderMode.Sandbox);
            connection.PublicKey.ShouldBe(DemoData.SandboxPayPalClientId);
        }

        var accessor = _app.Services.GetRequiredService<IHttpContextAccessor>();
        accessor.HttpContext = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, Roles.Owner), new Claim(PortalClaims.Firm, firmId.ToString())], "Test")),
        };
        try
        {
            await using var scope = _app.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firmId);
            var check = await scope.ServiceProvider.GetRequiredService<PayPalConnector>().TestAsync();
            check.Succeeded.ShouldBeTrue(check.Detail);
        }
        finally
        {
            accessor.HttpContext = null;
        }

        // Registered once the app listens, by a background service: polled until it shows.
        var options = _app.Services.GetRequiredService<SandboxOptions>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        PayPalSandboxAccount? registered;
        while ((registered = Registered(options)) is null)
            await Task.Delay(50, deadline.Token);
        registered.WebhookUrl.ShouldEndWith($"/webhooks/paypal/{connectionId}");
        registered.WebhookId.ShouldBe(DemoData.SandboxPayPalWebhookId);
    }

    private static PayPalSandboxAccount? Registered(SandboxOptions options)
    {
        lock (options.PayPal.Accounts)
            return options.PayPal.Accounts.LastOrDefault(a => a.ClientId == DemoData.SandboxPayPalClientId);
    }

    private sealed class DemoPayPalApp : StripePortalApp
    {
        protected override bool SeedDemoData => true;
    }
}
