using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Webhooks;
using Stripe;

namespace Portal.Providers.Stripe;

/// <summary>
/// Catches webhooks that never arrived: lists each connected account's events created since the last check and puts
/// any the inbox lacks into it. Stripe keeps events 30 days and does not promise delivery order or success.
/// </summary>
public sealed class StripeEventReconciliation(IDbContextFactory<PortalDbContext> dbFactory, StripeClients clients, WebhookInbox inbox, TimeProvider clock, ILogger<StripeEventReconciliation> logger) : IEventReconciliation
{
    public string ProviderName => "Stripe";

    // Event timestamps are whole seconds and clocks drift: look back a little past the last check.
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FirstLookBack = TimeSpan.FromDays(3);

    /// <summary>Returns how many missing events were added to the inbox.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connections = await db.ProviderConnections.IgnoreQueryFilters().Where(c => c.Provider == PaymentProvider.Stripe).ToListAsync(cancellationToken);
        var added = 0;
        foreach (var connection in connections)
        {
            var checkedAt = clock.GetUtcNow();
            var since = (connection.EventsReconciledUntil ?? connection.ConnectedAt - FirstLookBack) - Overlap;
            try
            {
                var options = new EventListOptions { Created = new DateRangeOptions { GreaterThanOrEqual = since.UtcDateTime }, Limit = 100 };
                await foreach (var stripeEvent in clients.For(connection).V1.Events.ListAutoPagingAsync(options, cancellationToken: cancellationToken))
                {
                    if (await inbox.StoreAsync(PaymentProvider.Stripe, stripeEvent.Id, connection.FirmId, stripeEvent.Type, stripeEvent.ToJson(), cancellationToken))
                        added++;
                }
                connection.MarkReconciledUntil(checkedAt);
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (StripeException error)
            {
                logger.LogWarning("Could not list Stripe events for firm {FirmId}: {Error}", connection.FirmId, error.StripeError?.Message ?? error.Message);
            }
        }
        if (added > 0)
            logger.LogWarning("Reconciliation found {Count} Stripe events that had not arrived by webhook.", added);
        return added;
    }
}
