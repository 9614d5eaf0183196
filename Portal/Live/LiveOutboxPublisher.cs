using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Operations;

namespace Portal.Live;

/// <summary>
/// Publishes the live outbox: to hub connections (through the Redis backplane when there is one) and to the
/// pages open on every instance. Woken right after a commit (<see cref="LiveSignal"/>) and every few seconds
/// anyway, which picks up rows committed by an instance that stopped before publishing them. Several instances
/// can run it at once: each row is claimed by one of them (FOR UPDATE SKIP LOCKED on PostgreSQL, a conditional
/// update on SQLite) and marked published in the same transaction, so a crash mid-way means a resend, never a loss.
/// </summary>
internal sealed class LiveOutboxPublisher(
    IServiceScopeFactory scopes, LiveSignal signal, IHubContext<LiveHub> hub, ILiveFanOut fanOut,
    TimeProvider clock, PortalMetrics metrics, ILogger<LiveOutboxPublisher> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan KeepPublished = TimeSpan.FromDays(1);
    private DateTimeOffset _nextCleanUp;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishPendingAsync(stoppingToken);
                await CleanUpAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Publishing live updates failed; will try again");
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(SweepInterval);
            try
            {
                await signal.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The periodic sweep.
            }
        }
    }

    internal async Task PublishPendingAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        // Looked at first without a transaction: most sweeps find nothing, and on SQLite a transaction takes the write lock.
        while (await db.LiveMessages.IgnoreQueryFilters().AnyAsync(m => m.PublishedAt == null, cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var batch = await ClaimAsync(db, cancellationToken);
            if (batch.Count == 0)
                return; // Another instance is publishing them.
            foreach (var message in batch)
                await PublishAsync(message.ToUpdate(), cancellationToken);
            var ids = batch.Select(m => m.Id).ToArray();
            await db.LiveMessages.IgnoreQueryFilters().Where(m => ids.Contains(m.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.PublishedAt, clock.GetUtcNow()), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            // Each row is published by one instance, once: the count of payments reaching each status, across instances.
            foreach (var payment in batch.Where(m => m.Kind == LiveKind.Payment))
                metrics.PaymentReached(payment.Status);
            if (batch.Count < BatchSize)
                return;
        }
    }

    private async Task PublishAsync(LiveUpdate update, CancellationToken cancellationToken)
    {
        await hub.Clients.Groups(update.Audiences.Select(a => a.Name).ToArray()).SendAsync(LiveHub.Changed, update, cancellationToken);
        await fanOut.PublishAsync(update, cancellationToken);
    }

    /// <summary>The oldest unpublished rows that no other instance is publishing, held until this transaction ends.</summary>
    private async Task<List<LiveMessage>> ClaimAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
            return await db.LiveMessages.FromSql($"""
                SELECT * FROM "LiveMessages" WHERE "PublishedAt" IS NULL ORDER BY "CreatedAt", "Id" LIMIT {BatchSize} FOR UPDATE SKIP LOCKED
                """).IgnoreQueryFilters().AsNoTracking().ToListAsync(cancellationToken);

        // SQLite has no row locks: the first instance to mark a row takes it; its write lock holds the others off until commit.
        var candidates = await db.LiveMessages.IgnoreQueryFilters().AsNoTracking().Where(m => m.PublishedAt == null)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Take(BatchSize).ToListAsync(cancellationToken);
        var claimed = new List<LiveMessage>();
        foreach (var message in candidates)
            if (await db.LiveMessages.IgnoreQueryFilters().Where(m => m.Id == message.Id && m.PublishedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.PublishedAt, clock.GetUtcNow()), cancellationToken) == 1)
                claimed.Add(message);
        return claimed;
    }

    private async Task CleanUpAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now < _nextCleanUp)
            return;
        _nextCleanUp = now.AddMinutes(10);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var before = now - KeepPublished;
        await db.LiveMessages.IgnoreQueryFilters().Where(m => m.PublishedAt != null && m.PublishedAt < before).ExecuteDeleteAsync(cancellationToken);
    }
}
