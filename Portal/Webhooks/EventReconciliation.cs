using Microsoft.Extensions.Options;

namespace Portal.Webhooks;

/// <summary>A provider's catch-up for webhooks that never arrived: lists its recent events and puts missing ones in the inbox.</summary>
public interface IEventReconciliation
{
    string ProviderName { get; }

    /// <summary>Returns how many events were missing from the inbox and added.</summary>
    Task<int> ReconcileAsync(CancellationToken cancellationToken = default);
}

/// <summary>Runs one provider's reconciliation every <see cref="WebhookOptions.ReconcileEvery"/>, in a fresh scope each time.</summary>
internal sealed class EventReconciliationService<TReconciliation>(
    IServiceScopeFactory scopes, IOptions<WebhookOptions> options, ILogger<EventReconciliationService<TReconciliation>> logger) : BackgroundService
    where TReconciliation : IEventReconciliation
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ProcessInBackground)
            return;
        using var timer = new PeriodicTimer(options.Value.ReconcileEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await using var scope = scopes.CreateAsyncScope();
            var reconciliation = scope.ServiceProvider.GetRequiredService<TReconciliation>();
            try
            {
                await reconciliation.ReconcileAsync(stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(error, "{Provider} event reconciliation failed; it runs again at the next tick.", reconciliation.ProviderName);
            }
        }
    }
}
