using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Payments;
using Portal.Providers.PayPal.Api;
using Portal.Webhooks;

namespace Portal.Providers.PayPal.Webhooks;

/// <summary>
/// Catches PayPal webhooks that never arrived: lists each connected app's events created since the last check and puts
/// any the inbox lacks into it, where they are applied as a delivered one is (each handler re-reads its object from
/// PayPal). The list comes from PayPal's API under the app's own token, so it needs no signature check.
/// </summary>
public sealed class PayPalEventReconciliation(
    IDbContextFactory<PortalDbContext> dbFactory, PayPalConnector connector, WebhookInbox inbox, TimeProvider clock, ILogger<PayPalEventReconciliation> logger) : IEventReconciliation
{
    public string ProviderName => "PayPal";

    // Event times are whole seconds and clocks drift: look back a little past the last check.
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FirstLookBack = TimeSpan.FromDays(3);

    /// <summary>Returns how many missing events were added to the inbox.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connections = await db.ProviderConnections.IgnoreQueryFilters().Where(c => c.Provider == PaymentProvider.PayPal).ToListAsync(cancellationToken);
        var added = 0;
        foreach (var connection in connections)
        {
            var checkedAt = clock.GetUtcNow();
            var since = (connection.EventsReconciledUntil ?? connection.ConnectedAt - FirstLookBack) - Overlap;
            try
            {
                foreach (var listed in await connector.ClientFor(connection).ListWebhookEventsAsync(since, checkedAt + Overlap, cancellationToken))
                {
                    if (await inbox.StoreAsync(PaymentProvider.PayPal, listed.Id, connection.FirmId, listed.EventType, listed.Body, cancellationToken))
                        added++;
                }
                connection.MarkReconciledUntil(checkedAt);
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (Exception unavailable) when (unavailable is HttpRequestException or PayPalApiException or System.Text.Json.JsonException)
            {
                logger.LogWarning("Could not list PayPal events for firm {FirmId}: {Error}", connection.FirmId, unavailable.Message);
            }
        }
        if (added > 0)
            logger.LogWarning("Reconciliation found {Count} PayPal events that had not arrived by webhook.", added);
        return added;
    }
}
