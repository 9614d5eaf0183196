using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Domain.Payments;
using Portal.GoCardless;
using Portal.Integrations;
using Portal.Webhooks;

namespace Portal.Providers.GoCardless;

/// <summary>
/// Catches webhooks that never arrived: lists each GoCardless connection's events created since the last check and puts
/// any the inbox lacks into it, exactly as the webhook endpoint would have. GoCardless gives up on a webhook after
/// eight failed attempts; the events themselves stay listable.
/// </summary>
public sealed class GoCardlessEventReconciliation(
    IDbContextFactory<PortalDbContext> dbFactory, GoCardlessClients clients, ProviderSecrets secrets, WebhookInbox inbox, TimeProvider clock,
    ILogger<GoCardlessEventReconciliation> logger) : IEventReconciliation
{
    public string ProviderName => "GoCardless";

    // Clocks drift between GoCardless and us: look back a little past the last check.
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FirstLookBack = TimeSpan.FromDays(3);

    /// <summary>Returns how many missing events were added to the inbox.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connections = await db.ProviderConnections.IgnoreQueryFilters().Where(c => c.Provider == PaymentProvider.GoCardless).ToListAsync(cancellationToken);
        var added = 0;
        foreach (var connection in connections)
        {
            var checkedAt = clock.GetUtcNow();
            var since = (connection.EventsReconciledUntil ?? connection.ConnectedAt - FirstLookBack) - Overlap;
            try
            {
                var client = clients.For(GoCardlessConnector.EnvironmentOf(connection.Mode), secrets.Unprotect(PaymentProvider.GoCardless, connection.ApiSecretProtected));
                await foreach (var gcEvent in client.ListEventsAsync(new GoCardlessEventFilter(CreatedOnOrAfter: since), new GoCardlessPaging(Limit: 500), cancellationToken))
                {
                    var type = GoCardlessWebhookEndpoint.TypeOf(GoCardlessQuery.Name(gcEvent.ResourceType), gcEvent.Action);
                    if (await inbox.StoreAsync(PaymentProvider.GoCardless, gcEvent.Id, connection.FirmId, type, JsonSerializer.Serialize(gcEvent, GoCardlessJson.Options), cancellationToken))
                        added++;
                }
                connection.MarkReconciledUntil(checkedAt);
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (Exception error) when (error is GoCardlessApiException or HttpRequestException or ArgumentException)
            {
                logger.LogWarning("Could not list GoCardless events for firm {FirmId}: {Error}", connection.FirmId, error.Message);
            }
        }
        if (added > 0)
            logger.LogWarning("Reconciliation found {Count} GoCardless events that had not arrived by webhook.", added);
        return added;
    }
}
