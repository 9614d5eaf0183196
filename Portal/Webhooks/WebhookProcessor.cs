using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Domain.Payments;
using Portal.Operations;
using Portal.Tenancy;

namespace Portal.Webhooks;

/// <summary>
/// Applies due inbox events, each at most once per pass, through <see cref="WebhookDispatcher"/>. Several processors
/// (threads or app instances) can run at once:
/// on PostgreSQL an event is claimed with a row lock (FOR UPDATE SKIP LOCKED) held until its new status commits, so a
/// crash simply releases it; on SQLite, which has a single writer, the claim is a committed conditional update to
/// Processing with an expiry, and the handler runs outside that write transaction (money operations open their own).
/// Handlers must be idempotent on the event id (the money API's idempotency keys are): an event whose effects
/// committed but whose status did not is applied again as a no-op.
/// </summary>
public sealed class WebhookProcessor(IServiceScopeFactory scopes, IOptions<WebhookOptions> options, TimeProvider clock, PortalMetrics metrics, ILogger<WebhookProcessor> logger)
{
    private const string BeforeHandler = "before_handler";
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
        while (await ProcessNextAsync(dueBy, cancellationToken))
            attempted++;
        return attempted;
    }

    private async Task<bool> ProcessNextAsync(DateTimeOffset dueBy, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return db.Database.IsNpgsql()
            ? await ProcessUnderRowLockAsync(scope.ServiceProvider, db, dueBy, cancellationToken)
            : await ProcessUnderClaimAsync(scope.ServiceProvider, db, dueBy, cancellationToken);
    }

    private async Task<bool> ProcessUnderRowLockAsync(IServiceProvider services, PortalDbContext db, DateTimeOffset dueBy, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = (await db.WebhookEvents.FromSql($"""
            SELECT * FROM "WebhookEvents"
            WHERE "Status" = 'Pending' AND "NextAttemptAt" <= {dueBy}
            ORDER BY "NextAttemptAt", "ReceivedAt"
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """).IgnoreQueryFilters().ToListAsync(cancellationToken)).SingleOrDefault();
        if (claimed is null)
            return false;

        await transaction.CreateSavepointAsync(BeforeHandler, cancellationToken);
        var error = await ApplyAsync(services, claimed, cancellationToken);
        if (error is not null)
        {
            // Undo whatever the handler wrote through this context; the claim (row lock) stays.
            await transaction.RollbackToSavepointAsync(BeforeHandler, cancellationToken);
            db.ChangeTracker.Clear();
            claimed = await db.WebhookEvents.IgnoreQueryFilters().SingleAsync(e => e.Id == claimed.Id, cancellationToken);
            RecordFailure(claimed, error);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        CountOutcome(claimed.Provider, error);
        return true;
    }

    private async Task<bool> ProcessUnderClaimAsync(IServiceProvider services, PortalDbContext db, DateTimeOffset dueBy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var candidates = await db.WebhookEvents.IgnoreQueryFilters()
            .Where(e => (e.Status == WebhookEventStatus.Pending && e.NextAttemptAt <= dueBy) || (e.Status == WebhookEventStatus.Processing && e.ClaimExpiresAt < now))
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
                await processor.ProcessDueAsync(stoppingToken);
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
