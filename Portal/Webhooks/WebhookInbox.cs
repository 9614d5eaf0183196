using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Payments;

namespace Portal.Webhooks;

/// <summary>
/// Stores verified provider events. It never applies them: the processor does, in its own transactions.
/// The firm is not known to the tenant filter here (webhooks arrive anonymously), hence IgnoreQueryFilters.
/// </summary>
public sealed class WebhookInbox(IDbContextFactory<PortalDbContext> dbFactory, WebhookSignal signal, TimeProvider clock)
{
    /// <summary>Stores the event unless (provider, event id) is already in; true when it was new.</summary>
    public async Task<bool> StoreAsync(PaymentProvider provider, string providerEventId, Guid firmId, string type, string body, CancellationToken cancellationToken = default)
    {
        if (await IsKnownAsync(provider, providerEventId, cancellationToken))
            return false;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.WebhookEvents.Add(new WebhookEvent(provider, providerEventId, firmId, type, body, clock.GetUtcNow()));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Two deliveries of one event raced and the unique index let exactly one in; anything else is a real error.
                if (await IsKnownAsync(provider, providerEventId, cancellationToken))
                    return false;
                throw;
            }
        }
        signal.Wake();
        return true;
    }

    private async Task<bool> IsKnownAsync(PaymentProvider provider, string providerEventId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.WebhookEvents.IgnoreQueryFilters().AnyAsync(e => e.Provider == provider && e.ProviderEventId == providerEventId, cancellationToken);
    }
}

/// <summary>Lets the processor start on a new event at once instead of at its next poll.</summary>
public sealed class WebhookSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try { _wake.Release(); } catch (SemaphoreFullException) { }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);
}
