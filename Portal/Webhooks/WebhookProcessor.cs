using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Domain.Payments;
using Portal.Operations;
using Portal.Tenancy;

namespace Portal.Webhooks;

/// <summary>
/// Applies due inbox events, each at most once per pass, through <see cref="WebhookDispatcher"/>. Several processors
/// (threads or app instances) can run at once.
/// On PostgreSQL a processor claims a batch of events with row locks (FOR UPDATE SKIP LOCKED) held until their new
/// statuses commit together, so a crash simply releases them; the batch's handlers run side by side, each in a scope
/// of its own, and a failing one only marks its own event failed. On SQLite, which has a single writer, the claim is
/// a committed conditional update to Processing with an expiry, one event at a time, and the handler runs outside
/// that write transaction. Handlers move money through the money API, which commits in transactions of its own.
/// Per-object order: an event is claimed only when no earlier unfinished event (pending, retrying or being applied
/// anywhere) has the same <see cref="WebhookEvent.ObjectKey"/>, so a batch holds at most one event per object and a
/// payment's events apply in the order they arrived. A parked event no longer holds its object's later events back.
/// Handlers must be idempotent on the event id (the money API's idempotency keys are): an event whose effects
/// committed but whose status did not is applied again as a no-op.
/// </summary>
public sealed class WebhookProcessor(IServiceScopeFactory scopes, IOptions<WebhookOptions> options, TimeProvider clock, PortalMetrics metrics, ILogger<WebhookProcessor> logger)
{
    private const int CandidatesPerLook = 20;
    private static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Applies every event due now, each at most once: a failure is due again only after this pass.
    /// Returns how many events it attempted.
    /// </summary>
    public async Task<int> ProcessDueAsync(CancellationToken cancellationToken = default)
    {
        var dueBy = clock.GetUtcNow();
        var attempted = 0;
        int batch;
        while ((batch = await ProcessNextBatchAsync(dueBy, cancellationToken)) > 0)
            attempted += batch;
        return attempted;
    }

    private async Task<int> ProcessNextBatchAsync(DateTimeOffset dueBy, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return db.Database.IsNpgsql()
            ? await ProcessBatchUnderRowLocksAsync(db, dueBy, cancellationToken)
            : await ProcessUnderClaimAsync(scope.ServiceProvider, db, dueBy, cancellationToken) ? 1 : 0;
    }

    private async Task<int> ProcessBatchUnderRowLocksAsync(PortalDbContext db, DateTimeOffset dueBy, CancellationToken cancellationToken)
    {
        var batchSize = Math.Max(1, options.Value.BatchSize);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // An earlier event of the same object still Pending (even one another processor holds locked and is applying,
        // whose status has not committed yet) keeps this one back. (ReceivedAt, Id) is the order of arrival.
        var claimed = await db.WebhookEvents.FromSql($"""
            SELECT * FROM "WebhookEvents" AS e
            WHERE e."Status" = 'Pending' AND e."NextAttemptAt" <= {dueBy}
              AND NOT EXISTS (
                SELECT 1 FROM "WebhookEvents" AS earlier
                WHERE earlier."FirmId" = e."FirmId" AND earlier."ObjectKey" = e."ObjectKey" AND earlier."Provider" = e."Provider"
                  AND earlier."Status" IN ('Pending', 'Processing')
                  AND (earlier."ReceivedAt", earlier."Id") < (e."ReceivedAt", e."Id"))
            ORDER BY e."NextAttemptAt", e."ReceivedAt"
            LIMIT {batchSize}
            FOR UPDATE OF e SKIP LOCKED
            """).IgnoreQueryFilters().ToListAsync(cancellationToken);
        if (claimed.Count == 0)
            return 0;

        // Each handler in a scope of its own (its own context and connections, acting for its event's firm): the events
        // concern different objects, and their money operations lock what they change (the client's row), so they can
        // run side by side. A failure is returned, not thrown, so it touches no other event of the batch.
        var errors = await Task.WhenAll(claimed.Select(e => ApplyInOwnScopeAsync(e, cancellationToken)));
        for (var i = 0; i < claimed.Count; i++)
        {
            if (errors[i] is { } error)
                RecordFailure(claimed[i], error);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        for (var i = 0; i < claimed.Count; i++)
            CountOutcome(claimed[i].Provider, errors[i]);
        return claimed.Count;
    }

    private async Task<Exception?> ApplyInOwnScopeAsync(WebhookEvent claimed, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await ApplyAsync(scope.ServiceProvider, claimed, cancellationToken);
    }

    private async Task<bool> ProcessUnderClaimAsync(IServiceProvider services, PortalDbContext db, DateTimeOffset dueBy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var unfinished = db.WebhookEvents.IgnoreQueryFilters()
            .Where(e => e.Status == WebhookEventStatus.Pending || e.Status == WebhookEventStatus.Processing);
        var candidates = await db.WebhookEvents.IgnoreQueryFilters()
            .Where(e => (e.Status == WebhookEventStatus.Pending && e.NextAttemptAt <= dueBy) || (e.Status == WebhookEventStatus.Processing && e.ClaimExpiresAt < now))
            // Per-object order, as on PostgreSQL: not while an earlier event of the same object is unfinished. Events
            // of one object received at the very same tick do not hold each other back (this single processor takes
            // them one at a time anyway), rather than each waiting for the other forever.
            .Where(e => e.ObjectKey == null || !unfinished.Any(earlier => earlier.FirmId == e.FirmId && earlier.ObjectKey == e.ObjectKey
                && earlier.Provider == e.Provider && earlier.ReceivedAt < e.ReceivedAt))
            .OrderBy(e => e.NextAttemptAt).ThenBy(e => e.ReceivedAt).Select(e => new { e.Id, e.Status }).Take(CandidatesPerLook).ToListAsync(cancellationToken);
        foreach (var candidate in candidates)
        {
            // The status in the condition makes the update a compare-and-swap: only one processor gets 1 row back.
            var taken = await db.WebhookEvents.IgnoreQueryFilters()
                .Where(e => e.Id == candidate.Id && e.Status == candidate.Status && (e.Status == WebhookEventStatus.Pending || e.ClaimExpiresAt < now))
                .ExecuteUpdateAsync(set => set.SetProperty(e => e.Status, WebhookEventStatus.Processing).SetProperty(e => e.ClaimExpiresAt, now + ClaimDuration), cancellationToken);
            if (taken != 1)
                continue;
            var claimed = await db.WebhookEvents.IgnoreQueryFilters().SingleAsync(e => e.Id == candidate.Id, cancellationToken);
            var error = await ApplyAsync(services, claimed, cancellationToken);
            if (error is not null)
            {
                db.ChangeTracker.Clear();
                claimed = await db.WebhookEvents.IgnoreQueryFilters().SingleAsync(e => e.Id == candidate.Id, cancellationToken);
                RecordFailure(claimed, error);
            }
            await db.SaveChangesAsync(cancellationToken);
            CountOutcome(claimed.Provider, error);
            return true;
        }
        return false;
    }

    /// <summary>Runs the event's handler acting for its firm; returns the failure, if any, instead of throwing.</summary>
    private async Task<Exception?> ApplyAsync(IServiceProvider services, WebhookEvent claimed, CancellationToken cancellationToken)
    {
        services.GetRequiredService<TenantContext>().ActFor(claimed.FirmId);
        try
        {
            var outcome = await services.GetRequiredService<WebhookDispatcher>().DispatchAsync(claimed, cancellationToken);
            claimed.Complete(outcome, clock.GetUtcNow());
            // On the burst path: the arguments are boxed only when someone listens at debug level.
            if (logger.IsEnabled(LogLevel.Debug))
                logger.LogDebug("Webhook event {Provider} {EventId} ({Type}) {Outcome}", claimed.Provider, claimed.ProviderEventId, claimed.Type, outcome);
            return null;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return error;
        }
    }

    private void CountOutcome(PaymentProvider provider, Exception? error)
    {
        if (error is null)
            metrics.WebhookApplied(provider);
        else
            metrics.WebhookFailed(provider);
    }

    private void RecordFailure(WebhookEvent failed, Exception error)
    {
        failed.Fail(Describe(error), options.Value.MaxAttempts, options.Value.RetryDelay(failed.Attempts + 1), clock.GetUtcNow());
        logger.LogWarning("Webhook event {Provider} {EventId} ({Type}) failed attempt {Attempt}: {Error}; now {Status}",
            failed.Provider, failed.ProviderEventId, failed.Type, failed.Attempts, error.GetType().Name, failed.Status);
    }

    // Exception messages from our code and Stripe's errors carry no secrets; they are what an admin needs to see.
    private static string Describe(Exception error) => $"{error.GetType().Name}: {error.Message}";
}

/// <summary>Runs the processor on every instance: woken by new events, and polling for retries that fall due.</summary>
internal sealed class WebhookProcessingService(
    WebhookProcessor processor, WebhookSignal signal, IServiceScopeFactory scopes, IOptions<WebhookOptions> options, ILogger<WebhookProcessingService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ProcessInBackground)
            return;
        bool onPostgres;
        await using (var scope = scopes.CreateAsyncScope())
            onPostgres = scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.IsNpgsql();
        var loops = onPostgres ? Math.Max(1, options.Value.Workers) : 1;
        await Task.WhenAll(Enumerable.Range(0, loops).Select(_ => LoopAsync(stoppingToken)));
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // No pause while work is waiting: another pass at once as long as the last one found something (it may
                // also have let an object's next event through); wait for a signal or the poll only once nothing is due.
                while (await processor.ProcessDueAsync(stoppingToken) > 0)
                {
                }
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // The database may be briefly away; the events wait in the inbox.
                logger.LogError(error, "Webhook processing stopped on an error; trying again shortly.");
                await Task.Delay(options.Value.PollInterval, stoppingToken);
            }
        }
    }
}
