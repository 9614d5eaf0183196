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
/// any number of instances at once, any number of times: each period is made in one transaction that first locks the
/// firm's row (as issuing does, so numbers stay gapless and in order) and then re-reads the schedule, so a second
/// generator waiting on that lock sees the first one's work and does nothing; the unique (schedule, period start) row
/// is the database's last word. Catch-up: after downtime, every period whose planned day has passed is made once, oldest
/// first, each dated the day it is actually made (never backdated, so numbers stay in date order) and due its terms after.
/// </summary>
public sealed class RecurringGeneration(IServiceScopeFactory scopes, TimeProvider clock, ILogger<RecurringGeneration> logger)
{
    /// <summary>One pass over every firm. Returns how many invoices this pass made.</summary>
    public async Task<int> GenerateDueAsync(CancellationToken cancellationToken = default)
    {
        List<(Guid FirmId, Guid ScheduleId)> candidates;
        // No firm's local day is more than a day ahead of UTC's: this bounds the first read, each firm's own day decides.
        var latest = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1);
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            candidates = (await db.RecurringSchedules.IgnoreQueryFilters()
                .Where(s => s.Status == ScheduleStatus.Active && s.NextIssueOn <= latest)
                .OrderBy(s => s.NextIssueOn).Select(s => new { s.FirmId, s.Id }).ToListAsync(cancellationToken))
                .Select(s => (s.FirmId, s.Id)).ToList();
        }
        var made = 0;
        foreach (var firm in candidates.GroupBy(c => c.FirmId))
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firm.Key);
            var invoicer = scope.ServiceProvider.GetRequiredService<PeriodInvoicer>();
            foreach (var (_, scheduleId) in firm)
            {
                try
                {
                    // Catch-up: one period after another until the schedule's next one is not due yet.
                    while (await invoicer.InvoiceNextPeriodAsync(scheduleId, cancellationToken) is not null)
                        made++;
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogError(error, "Recurring schedule {ScheduleId} could not make its invoice; it is tried again at the next run.", scheduleId);
                }
            }
        }
        await HandOverOwedCollectionsAsync(cancellationToken);
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
    private async Task HandOverOwedCollectionsAsync(CancellationToken cancellationToken)
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
        foreach (var firm in owed.GroupBy(o => o.FirmId))
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firm.Key);
            var invoicer = scope.ServiceProvider.GetRequiredService<PeriodInvoicer>();
            foreach (var (_, invoiceId) in firm)
            {
                try
                {
                    await invoicer.HandOverAsync(invoiceId, cancellationToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogError(error, "Recurring invoice {InvoiceId} could not be handed to direct debit; it is tried again at the next run.", invoiceId);
                }
            }
        }
    }
}

/// <summary>Makes, issues and (when the schedule says so) emails one period's invoice, then hands it to direct debit.</summary>
public sealed class PeriodInvoicer(
    IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, PayLinks.PayLinks payLinks, InvoiceEmail email, Mailer mailer,
    AccountLinks links, IServiceProvider services, ILogger<PeriodInvoicer> logger)
{
    /// <summary>The id of the invoice made for the schedule's next period, or null when that period is not due (or another generator made it).</summary>
    public async Task<Guid?> InvoiceNextPeriodAsync(Guid scheduleId, CancellationToken cancellationToken = default)
    {
        Invoice invoice;
        bool autoCollect;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var firmId = await db.RecurringSchedules.Where(s => s.Id == scheduleId).Select(s => s.FirmId).SingleAsync(cancellationToken);
            // The firm's row first: generators and staff issuing for this firm queue here, then see what the first one did.
            await db.Firms.Where(f => f.Id == firmId)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.NextInvoiceNumber, f => f.NextInvoiceNumber), cancellationToken);
            var firm = await db.Firms.SingleAsync(f => f.Id == firmId, cancellationToken);
            var schedule = await db.RecurringSchedules.SingleAsync(s => s.Id == scheduleId, cancellationToken);
            var now = clock.GetUtcNow();
            var today = firm.LocalToday(now);
            if (schedule.Status != ScheduleStatus.Active || schedule.NextPeriod is not { } period || period.IssueOn > today)
                return null;
            var client = await db.ClientAccounts.SingleAsync(c => c.Id == schedule.ClientAccountId, cancellationToken);
            invoice = schedule.DraftFor(client, period, today, now);
            db.Invoices.Add(invoice);
            db.LedgerTransactions.Add(InvoiceBooking.Issue(invoice, firm, client, Invoicing.IssueKey(invoice.Id), now));
            db.RecurringInvoices.Add(new RecurringInvoice(schedule, period, invoice, now));
            schedule.RecordGenerated(period, today, now);
            if (schedule.AutoSend)
                await QueueEmailAsync(db, firm, client, schedule, period, invoice, now, cancellationToken);
            autoCollect = schedule.AutoCollect && firm.Policy.MethodsAllowed.HasFlag(PaymentMethods.DirectDebit);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        mailer.Flush();
        if (autoCollect)
            await CollectAsync(invoice, cancellationToken);
        return invoice.Id;
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

    /// <summary>Hands an auto-collect invoice whose hand-over never happened to direct debit, if the firm still takes direct debits.</summary>
    public async Task HandOverAsync(Guid invoiceId, CancellationToken cancellationToken = default)
    {
        Invoice invoice;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (!(await db.Firms.AsNoTracking().SingleAsync(cancellationToken)).Policy.MethodsAllowed.HasFlag(PaymentMethods.DirectDebit))
                return;
            invoice = await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == invoiceId, cancellationToken);
        }
        await CollectAsync(invoice, cancellationToken);
    }

    /// <summary>
    /// Hands the new invoice to direct debit at once rather than at the next auto-collection poll. The collection is keyed
    /// by the invoice as the poll's is, so the two can never both collect it. No usable mandate, or the provider refusing
    /// now, leaves the invoice open: it is paid like any other, and the poll tries again where the firm collects automatically.
    /// </summary>
    private async Task CollectAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        try
        {
            var mandates = services.GetRequiredService<DirectDebitMandates>();
            if (await mandates.UsableAsync(invoice.ClientAccountId, invoice.Currency, cancellationToken) is null)
                return;
            var directDebits = services.GetRequiredService<DirectDebitPayments>();
            // The client who turned automatic payment off, or chose their card, pays this invoice their way.
            if (!await directDebits.ClientLetsDirectDebitCollectAsync(invoice.ClientAccountId, cancellationToken))
                return;
            await directDebits.ScheduleAutomaticAsync(invoice.ClientAccountId, invoice.Id, invoice.AmountPayable, cancellationToken: cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogWarning(error, "The direct debit of recurring invoice {InvoiceId} could not be scheduled now.", invoice.Id);
        }
    }

    private string PayUrl(string token) => links.ToFromAnywhere($"pay/{token}");
}
