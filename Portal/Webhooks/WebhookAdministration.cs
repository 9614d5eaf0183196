using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Payments;

namespace Portal.Webhooks;

public sealed record WebhookEventRow(
    Guid Id, PaymentProvider Provider, string ProviderEventId, string Type, WebhookEventStatus Status,
    int Attempts, DateTimeOffset ReceivedAt, DateTimeOffset NextAttemptAt, DateTimeOffset? ProcessedAt, string? LastError);

/// <summary>The current firm's inbox as an admin sees it, and the retry of parked events.</summary>
public sealed class WebhookAdministration(IDbContextFactory<PortalDbContext> dbFactory, WebhookSignal signal, TimeProvider clock)
{
    public async Task<List<WebhookEventRow>> RecentAsync(WebhookEventStatus? status, int take = 200, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.WebhookEvents.AsNoTracking();
        if (status is { } only)
            query = query.Where(e => e.Status == only);
        return await query.OrderByDescending(e => e.ReceivedAt).Take(take)
            .Select(e => new WebhookEventRow(e.Id, e.Provider, e.ProviderEventId, e.Type, e.Status, e.Attempts, e.ReceivedAt, e.NextAttemptAt, e.ProcessedAt, e.LastError))
            .ToListAsync(cancellationToken);
    }

    public async Task RetryAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var parked = await db.WebhookEvents.SingleOrDefaultAsync(e => e.Id == id, cancellationToken) ?? throw new NotFoundException("webhook event");
        parked.Retry(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        signal.Wake();
    }
}
