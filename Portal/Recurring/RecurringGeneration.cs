using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Data;
using Portal.DirectDebit;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Recurring;
using Portal.Email;
using Portal.Invoices;
using Portal.Invoices.Delivery;
using Portal.Tenancy;

namespace Portal.Recurring;

/// <summary>
/// Makes the invoices of recurring schedules whose next invoice is planned on or before the firm's local today. Safe on
/// any number of instances at once, any number of times: a firm's due periods are made a chunk of schedules per
/// transaction that first locks the firm's row (as issuing does, so numbers stay gapless and in order) and then re-reads
/// the schedules, so a second generator waiting on that lock sees the first one's work and does nothing; the unique
/// (schedule, period start) row is the database's last word. Catch-up: after downtime, every period whose planned day
/// has passed is made once, oldest first, each dated the day it is actually made (never backdated, so numbers stay in
/// date order) and due its terms after.
/// </summary>
public sealed class RecurringGeneration(IServiceScopeFactory scopes, TimeProvider clock)
{
    /// <summary>
    /// Firms worked on at once on PostgreSQL: each takes only its own firm's row and its clients' rows, so they never
    /// wait on each other, and the waits on the database of one overlap the work of the others. SQLite has one writer:
    /// there the firms go one after the other.
    /// </summary>
    private const int FirmsAtOnce = 4;

    /// <summary>One pass over every firm. Returns how many invoices this pass made.</summary>
    public async Task<int> GenerateDueAsync(CancellationToken cancellationToken = default)
    {
        List<(Guid FirmId, Guid ScheduleId)> candidates;
        bool concurrent;
        // No firm's local day is more than a day ahead of UTC's: this bounds the first read, each firm's own day decides.
        var latest = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1);
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            concurrent = db.Database.IsNpgsql();
            candidates = (await db.RecurringSchedules.IgnoreQueryFilters()
                .Where(s => s.Status == ScheduleStatus.Active && s.NextIssueOn <= latest)
                .OrderBy(s => s.NextIssueOn).Select(s => new { s.FirmId, s.Id }).ToListAsync(cancellationToken))
                .Select(s => (s.FirmId, s.Id)).ToList();
        }
        var made = 0;
        await ForEachFirmAsync(candidates.GroupBy(c => c.FirmId), concurrent, async (invoicer, firm, token) =>
            Interlocked.Add(ref made, await invoicer.InvoiceDuePeriodsAsync(firm.Key, [.. firm.Select(c => c.ScheduleId)], token)), cancellationToken);
        await HandOverOwedCollectionsAsync(concurrent, cancellationToken);
        return made;
    }

    /// <summary>How far back a pass looks for auto-collect invoices whose hand-over to direct debit never happened.</summary>
    private static readonly TimeSpan HandOverWindow = TimeSpan.FromDays(7);

    /// <summary>
    /// An auto-collect invoice is handed to direct debit after its own transaction commits, so an instance stopped in
    /// between, or GoCardless refusing at that moment, would leave it uncollected wherever the firm does not collect every
    /// invoice automatically. Each pass hands over again the recent invoices of auto-collect schedules that no payment
    /// has reached yet; the collection is keyed by the invoice, so one handed over meanwhile is never collected twice.
    /// </summary>
    private async Task HandOverOwedCollectionsAsync(bool concurrent, CancellationToken cancellationToken)
    {
        List<(Guid FirmId, Guid InvoiceId)> owed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var since = clock.GetUtcNow() - HandOverWindow;
            var reached = db.Payments.IgnoreQueryFilters().Where(Domain.Payments.Payment.ReachedMoneyStage);
            owed = (await (from made in db.RecurringInvoices.IgnoreQueryFilters()
                           where made.GeneratedAt >= since
                           join schedule in db.RecurringSchedules.IgnoreQueryFilters() on made.ScheduleId equals schedule.Id
                           where schedule.AutoCollect
                           join invoice in db.Invoices.IgnoreQueryFilters() on made.InvoiceId equals invoice.Id
                           where (invoice.Status == InvoiceStatus.Open || invoice.Status == InvoiceStatus.PartiallyPaid) && invoice.PendingMinor == 0
                           where !reached.Any(p => p.Allocations.Any(a => a.InvoiceId == invoice.Id))
                           select new { made.FirmId, made.InvoiceId }).ToListAsync(cancellationToken))
                .Select(o => (o.FirmId, o.InvoiceId)).ToList();
        }
        await ForEachFirmAsync(owed.GroupBy(o => o.FirmId), concurrent, (invoicer, firm, token) =>
            invoicer.HandOverAsync([.. firm.Select(o => o.InvoiceId)], token), cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> for each firm in a scope acting for it, several firms at once where the database allows.</summary>
    private Task ForEachFirmAsync<T>(IEnumerable<IGrouping<Guid, T>> firms, bool concurrent, Func<PeriodInvoicer, IGrouping<Guid, T>, CancellationToken, Task> work,
        CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(firms, new ParallelOptions { MaxDegreeOfParallelism = concurrent ? FirmsAtOnce : 1, CancellationToken = cancellationToken },
            async (firm, token) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firm.Key);
                await work(scope.ServiceProvider.GetRequiredService<PeriodInvoicer>(), firm, token);
            });
}

/// <summary>
/// Makes, issues and (when the schedule says so) emails a firm's due periods' invoices, then hands the auto-collect ones
/// to direct debit. Used in a scope acting for the firm.
/// </summary>
public sealed class PeriodInvoicer(
    IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, PayLinks.PayLinks payLinks, InvoiceEmail email, Mailer mailer,
    AccountLinks links, IServiceScopeFactory scopes, ILogger<PeriodInvoicer> logger)
{
    /// <summary>
    /// Schedules made in one transaction. The firm's row stays locked for the whole chunk (staff issuing for the firm
    /// wait that long), so a chunk is a fraction of a second's work; one commit per chunk instead of per invoice is what
    /// makes a morning of thousands of invoices quick.
    /// </summary>
    private const int SchedulesPerTransaction = 200;

    /// <summary>
    /// Collections sent to GoCardless at once on PostgreSQL: each is a few round trips to GoCardless and three money
    /// operations that lock only the invoice's client, so they overlap without waiting on each other.
    /// </summary>
    private const int HandOversAtOnce = 8;

    /// <summary>Makes every due period of these schedules of the firm, oldest first; returns how many invoices were made.</summary>
    public async Task<int> InvoiceDuePeriodsAsync(Guid firmId, IReadOnlyList<Guid> scheduleIds, CancellationToken cancellationToken = default)
    {
        var made = 0;
        foreach (var chunk in scheduleIds.Chunk(SchedulesPerTransaction))
        {
            List<Invoice> toCollect = [];
            try
            {
                made += await InvoiceChunkAsync(firmId, chunk, toCollect, cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // Nothing of the chunk was kept. One schedule that cannot be made (or a conflict) must not hold back the
                // others: each is made again on its own, and only the one that fails is left for the next pass.
                logger.LogWarning(error, "A chunk of {Count} recurring schedules could not be made together; each is made on its own.", chunk.Length);
                toCollect.Clear();
                foreach (var scheduleId in chunk)
                {
                    try
                    {
                        made += await InvoiceChunkAsync(firmId, [scheduleId], toCollect, cancellationToken);
                    }
                    catch (Exception single) when (single is not OperationCanceledException)
                    {
                        logger.LogError(single, "Recurring schedule {ScheduleId} could not make its invoice; it is tried again at the next run.", scheduleId);
                    }
                }
            }
            await CollectAsync(toCollect, cancellationToken);
        }
        return made;
    }

    /// <summary>
    /// One transaction: locks the firm's row, re-reads the schedules (another generator may have made their periods
    /// while this one waited on the lock), makes each one's due periods in order, saves once and commits. The
    /// auto-collect invoices are added to <paramref name="toCollect"/> once committed.
    /// </summary>
    private async Task<int> InvoiceChunkAsync(Guid firmId, IReadOnlyList<Guid> scheduleIds, List<Invoice> toCollect, CancellationToken cancellationToken)
    {
        List<Invoice> made = [];
        List<Invoice> autoCollect = [];
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // The firm's row first: generators and staff issuing for this firm queue here, then see what the first one did.
            await db.Firms.Where(f => f.Id == firmId)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.NextInvoiceNumber, f => f.NextInvoiceNumber), cancellationToken);
            var firm = await db.Firms.SingleAsync(f => f.Id == firmId, cancellationToken);
            var schedules = (await db.RecurringSchedules.Where(s => scheduleIds.Contains(s.Id)).ToListAsync(cancellationToken)).ToDictionary(s => s.Id);
            var clientIds = schedules.Values.Select(s => s.ClientAccountId).Distinct().ToList();
            var clients = (await db.ClientAccounts.Where(c => clientIds.Contains(c.Id)).ToListAsync(cancellationToken)).ToDictionary(c => c.Id);
            var now = clock.GetUtcNow();
            var today = firm.LocalToday(now);
            var collects = firm.Policy.MethodsAllowed.HasFlag(PaymentMethods.DirectDebit);
            // In the order the pass found them (oldest planned day first), so numbers follow the periods' order.
            foreach (var scheduleId in scheduleIds)
            {
                if (!schedules.TryGetValue(scheduleId, out var schedule))
                    continue;
                var client = clients[schedule.ClientAccountId];
                // Catch-up: one period after another until the schedule's next one is not due yet.
                while (schedule.Status == ScheduleStatus.Active && schedule.NextPeriod is { } period && period.IssueOn <= today)
                {
                    var invoice = schedule.DraftFor(client, period, today, now);
                    db.Invoices.Add(invoice);
                    db.LedgerTransactions.Add(InvoiceBooking.Issue(invoice, firm, client, Invoicing.IssueKey(invoice.Id), now));
                    db.RecurringInvoices.Add(new RecurringInvoice(schedule, period, invoice, now));
                    schedule.RecordGenerated(period, today, now);
                    if (schedule.AutoSend)
                        await QueueEmailAsync(db, firm, client, schedule, period, invoice, now, cancellationToken);
                    made.Add(invoice);
                    if (schedule.AutoCollect && collects)
                        autoCollect.Add(invoice);
                }
            }
            if (made.Count == 0)
                return 0;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        mailer.Flush();
        toCollect.AddRange(autoCollect);
        return made.Count;
    }

    /// <summary>The usual invoice email (pay link, PDF, timeline), keyed by schedule and period, in the invoice's transaction.</summary>
    private async Task QueueEmailAsync(PortalDbContext db, Firm firm, Domain.Clients.ClientAccount client, RecurringSchedule schedule, SchedulePeriod period,
        Invoice invoice, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (client.InvoiceEmailRecipient is not { } recipient)
        {
            db.Add(InvoiceTimelineEntry.NotSent(invoice, null, now));
            return;
        }
        var sent = InvoiceTimelineEntry.Sent(invoice, recipient, null, now);
        db.Add(sent);
        var token = await payLinks.IssueAsync(db, invoice, recipient, sent.Id, cancellationToken);
        var normalized = recipient.ToUpperInvariant();
        var language = await db.Users.Where(u => u.ClientAccountId == client.Id && u.NormalizedEmail == normalized && u.Culture != null)
            .Select(u => u.Culture).FirstOrDefaultAsync(cancellationToken);
        await email.QueueAsync(db, firm, client, invoice, recipient, PayUrl(token), language, sent.Id, cancellationToken,
            RecurringInvoice.EmailKey(schedule.Id, period.Start));
    }

    /// <summary>Hands the firm's auto-collect invoices whose hand-over never happened to direct debit, if the firm still takes direct debits.</summary>
    public async Task HandOverAsync(IReadOnlyList<Guid> invoiceIds, CancellationToken cancellationToken = default)
    {
        foreach (var chunk in invoiceIds.Chunk(SchedulesPerTransaction))
        {
            try
            {
                List<Invoice> invoices;
                await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
                {
                    if (!(await db.Firms.AsNoTracking().SingleAsync(cancellationToken)).Policy.MethodsAllowed.HasFlag(PaymentMethods.DirectDebit))
                        return;
                    invoices = await db.Invoices.AsNoTracking().Where(i => chunk.Contains(i.Id)).ToListAsync(cancellationToken);
                }
                await CollectAsync(invoices, cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogError(error, "{Count} recurring invoices could not be handed to direct debit; they are tried again at the next run.", chunk.Length);
            }
        }
    }

    /// <summary>
    /// Hands new invoices to direct debit at once rather than at the next auto-collection poll. Each collection is keyed
    /// by its invoice as the poll's is, so the two can never both collect it. No usable mandate, or the provider refusing
    /// now, leaves the invoice open: it is paid like any other, and the poll tries again where the firm collects automatically.
    /// </summary>
    private async Task CollectAsync(IReadOnlyList<Invoice> invoices, CancellationToken cancellationToken)
    {
        if (invoices.Count == 0)
            return;
        HashSet<(Guid ClientAccountId, Currency Currency)> usable;
        bool concurrent;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            concurrent = db.Database.IsNpgsql();
            // The clients' mandates in one read: most invoices of a morning belong to clients without one.
            var clientIds = invoices.Select(i => i.ClientAccountId).Distinct().ToList();
            var mandates = await db.DirectDebitMandates.AsNoTracking().Where(m => clientIds.Contains(m.ClientAccountId)).ToListAsync(cancellationToken);
            // Clients who turned automatic payment off, or chose their card, pay these invoices their way.
            var leftAlone = await CardOnFile.AutomaticPayments.ClientsDirectDebitLeavesAsync(db, await db.Firms.AsNoTracking().SingleAsync(cancellationToken), cancellationToken);
            usable = [.. mandates.Where(m => m.IsUsable && !leftAlone.Contains(m.ClientAccountId)).Select(m => (m.ClientAccountId, m.Currency))];
        }
        var collectable = invoices.Where(i => usable.Contains((i.ClientAccountId, i.Currency)));
        await Parallel.ForEachAsync(collectable, new ParallelOptions { MaxDegreeOfParallelism = concurrent ? HandOversAtOnce : 1, CancellationToken = cancellationToken },
            async (invoice, token) =>
            {
                // A scope of its own: the money operations' services are not shared between concurrent callers.
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(invoice.FirmId);
                try
                {
                    await scope.ServiceProvider.GetRequiredService<DirectDebitPayments>()
                        .ScheduleAutomaticAsync(invoice.ClientAccountId, invoice.Id, invoice.AmountPayable, cancellationToken: token);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogWarning(error, "The direct debit of recurring invoice {InvoiceId} could not be scheduled now.", invoice.Id);
                }
            });
    }

    private string PayUrl(string token) => links.ToFromAnywhere($"pay/{token}");
}
