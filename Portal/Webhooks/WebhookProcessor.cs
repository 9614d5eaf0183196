using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Webhooks;

/// <summary>
/// Applies due inbox events, each in its own transaction together with its new status, so an event's effects and
/// "Applied" commit or roll back as one. Several processors (threads or app instances) can run at once: on
/// PostgreSQL a claim is a row lock taken with SKIP LOCKED; on SQLite, which has one writer at a time, it is a
/// conditional update from Pending to Processing inside the write transaction.
/// </summary>
public sealed class WebhookProcessor(IServiceScopeFactory scopes, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookProcessor> logger)
{
    private const string BeforeHandler = "before_handler";
    private const int CandidatesPerLook = 20;

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

    private async Task<bool> ProcessNextAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PortalDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = db.Database.IsNpgsql() ? await ClaimWithRowLockAsync(db, now, cancellationToken) : await ClaimWithConditionalUpdateAsync(db, now, cancellationToken);
        if (claimed is null)
            return false;

        services.GetRequiredService<TenantContext>().ActFor(claimed.FirmId);
        await transaction.CreateSavepointAsync(BeforeHandler, cancellationToken);
        try
        {
            var outcome = await services.GetRequiredService<WebhookDispatcher>().DispatchAsync(claimed, cancellationToken);
            claimed.Complete(outcome, clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Undo whatever the handler did, keep the claim, and record the failure in the same transaction.
            await transaction.RollbackToSavepointAsync(BeforeHandler, cancellationToken);
            db.ChangeTracker.Clear();
            var failed = await db.WebhookEvents.IgnoreQueryFilters().SingleAsync(e => e.Id == claimed.Id, cancellationToken);
            failed.Fail(Describe(error), options.Value.MaxAttempts, options.Value.RetryDelay(failed.Attempts + 1), clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            logger.LogWarning("Webhook event {Provider} {EventId} ({Type}) failed attempt {Attempt}: {Error}; now {Status}",
                failed.Provider, failed.ProviderEventId, failed.Type, failed.Attempts, error.GetType().Name, failed.Status);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static async Task<WebhookEvent?> ClaimWithRowLockAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await db.WebhookEvents.FromSql($"""
            SELECT * FROM "WebhookEvents"
            WHERE "Status" = 'Pending' AND "NextAttemptAt" <= {now}
            ORDER BY "NextAttemptAt", "ReceivedAt"
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """).IgnoreQueryFilters().ToListAsync(cancellationToken);
        return rows.SingleOrDefault();
    }

    private static async Task<WebhookEvent?> ClaimWithConditionalUpdateAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var candidates = await db.WebhookEvents.IgnoreQueryFilters()
            .Where(e => e.Status == WebhookEventStatus.Pending && e.NextAttemptAt <= now)
            .OrderBy(e => e.NextAttemptAt).ThenBy(e => e.ReceivedAt).Select(e => e.Id).Take(CandidatesPerLook).ToListAsync(cancellationToken);
        foreach (var id in candidates)
        {
            var claimed = await db.WebhookEvents.IgnoreQueryFilters()
                .Where(e => e.Id == id && e.Status == WebhookEventStatus.Pending)
                .ExecuteUpdateAsync(set => set.SetProperty(e => e.Status, WebhookEventStatus.Processing), cancellationToken);
            if (claimed == 1)
                return await db.WebhookEvents.IgnoreQueryFilters().SingleAsync(e => e.Id == id, cancellationToken);
        }
        return null;
    }

    // Exception messages from our code and Stripe's errors carry no secrets; they are what an admin needs to see.
    private static string Describe(Exception error) => $"{error.GetType().Name}: {error.Message}";
}

/// <summary>Runs the processor on every instance: woken by new events, and polling for retries that fall due.</summary>
internal sealed class WebhookProcessingService(WebhookProcessor processor, WebhookSignal signal, IOptions<WebhookOptions> options, ILogger<WebhookProcessingService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ProcessInBackground)
            return;
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
