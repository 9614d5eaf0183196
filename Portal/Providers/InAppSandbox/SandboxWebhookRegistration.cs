using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Providers.Stripe;

namespace Portal.Providers.InAppSandbox;

/// <summary>
/// Once the app listens, points the in-memory emulator's webhooks back at this app for every firm connected in
/// sandbox mode (the demo firm included), since the emulator starts empty on each run.
/// </summary>
internal sealed class SandboxWebhookRegistration(IHostApplicationLifetime lifetime, IServiceScopeFactory scopes, ILogger<SandboxWebhookRegistration> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var connector = scope.ServiceProvider.GetRequiredService<StripeConnector>();
            var sandboxConnections = await db.ProviderConnections.IgnoreQueryFilters()
                .Where(c => c.Provider == PaymentProvider.Stripe && c.Mode == ProviderMode.Sandbox).ToListAsync(stoppingToken);
            foreach (var connection in sandboxConnections)
                await connector.RegisterSandboxWebhookAsync(db, connection, stoppingToken);
            var goCardless = scope.ServiceProvider.GetRequiredService<GoCardless.GoCardlessConnector>();
            var goCardlessConnections = await db.ProviderConnections.IgnoreQueryFilters()
                .Where(c => c.Provider == PaymentProvider.GoCardless && c.Mode == ProviderMode.Sandbox).ToListAsync(stoppingToken);
            foreach (var connection in goCardlessConnections)
                await goCardless.RegisterSandboxWebhookAsync(db, connection, stoppingToken);
            var payPal = scope.ServiceProvider.GetRequiredService<PayPal.PayPalConnector>();
            var payPalConnections = await db.ProviderConnections.IgnoreQueryFilters()
                .Where(c => c.Provider == PaymentProvider.PayPal && c.Mode == ProviderMode.Sandbox).ToListAsync(stoppingToken);
            foreach (var connection in payPalConnections)
                payPal.RegisterSandboxWebhook(connection);
        }
        catch (Exception error) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(error, "Could not register sandbox webhooks; sandbox payments will not be reported back.");
        }
    }
}
