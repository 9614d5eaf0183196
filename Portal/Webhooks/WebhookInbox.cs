using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Payments;
using Portal.Operations;

namespace Portal.Webhooks;

/// <summary>
/// Stores verified provider events. It never applies them: the processor does, in its own transactions.
/// The firm is not known to the tenant filter here (webhooks arrive anonymously), hence IgnoreQueryFilters.
/// </summary>
public sealed class WebhookInbox(IDbContextFactory<PortalDbContext> dbFactory, WebhookSignal signal, TimeProvider clock, PortalMetrics metrics)
{
    /// <summary>
    /// Stores the event unless (provider, firm, event id) is already in; true when it was new. Another firm's event with
    /// the same id is not this firm's: a firm cannot make another's events look like duplicates by sending them first.
    /// </summary>
    public async Task<bool> StoreAsync(PaymentProvider provider, string providerEventId, Guid firmId, string type, string body, CancellationToken cancellationToken = default)
    {
        // Insert first: a new event (the common case) costs one round trip; a duplicate is caught by the unique index.
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.WebhookEvents.Add(new WebhookEvent(provider, providerEventId, firmId, type, body, clock.GetUtcNow(), WebhookObjectKey.Of(provider, body)));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // A redelivery, or two deliveries racing: the unique index let exactly one in. Anything else is a real error.
                if (await IsKnownAsync(provider, firmId, providerEventId, cancellationToken))
                    return false;
                throw;
            }
        }
        metrics.WebhookReceived(provider);
        signal.Wake();
        return true;
    }

    private async Task<bool> IsKnownAsync(PaymentProvider provider, Guid firmId, string providerEventId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.WebhookEvents.IgnoreQueryFilters()
            .AnyAsync(e => e.Provider == provider && e.FirmId == firmId && e.ProviderEventId == providerEventId, cancellationToken);
    }
}

/// <summary>Lets the processor start on a new event at once instead of at its next poll.</summary>
public sealed class WebhookSignal
{
    private const int MaxWaiters = 64;
    private readonly SemaphoreSlim _wake = new(0, MaxWaiters);
    private int _waiting;

    /// <summary>Wakes every waiting processor loop, so a burst of events is shared between them.</summary>
    public void Wake()
    {
        var count = Math.Min(Math.Max(1, Volatile.Read(ref _waiting)), MaxWaiters - _wake.CurrentCount);
        if (count <= 0)
            return;
        try { _wake.Release(count); } catch (SemaphoreFullException) { }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _wake.WaitAsync(timeout, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }
}
