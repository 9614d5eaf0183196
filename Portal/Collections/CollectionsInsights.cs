using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
using Portal.Domain.Reminders;

namespace Portal.Collections;

/// <summary>Days sales outstanding in one currency: what is owed, over what was invoiced in the period, times its days.</summary>
public sealed record DaysSalesOutstanding(Currency Currency, int Days, Money Receivable, Money InvoicedInPeriod);

/// <summary>
/// The figures that tell a firm how its collections go: days sales outstanding, and what each reminder step brought in
/// (<see cref="ReminderEffect"/>). Read with aggregates in the database, so a large firm costs a few queries.
/// </summary>
public sealed class CollectionsInsights(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The period both figures look back over.</summary>
    public const int PeriodDays = 90;

    /// <summary>
    /// DSO by the usual count method: receivable now ÷ invoiced over the last <see cref="PeriodDays"/> days × those days,
    /// per currency, rounded to whole days. A currency with nothing invoiced in the period has no DSO to show.
    /// </summary>
    public async Task<IReadOnlyList<DaysSalesOutstanding>> DsoAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        var since = firm.LocalToday(clock.GetUtcNow()).AddDays(-PeriodDays);
        var receivable = await db.Invoices.Where(i => i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid)
            .GroupBy(i => i.Currency).Select(g => new { Currency = g.Key, Minor = g.Sum(i => i.TotalMinor - i.CreditedMinor - i.PaidMinor) })
            .ToDictionaryAsync(g => g.Currency, g => g.Minor, cancellationToken);
        var invoiced = await db.Invoices.Where(i => i.Status != InvoiceStatus.Draft && i.Status != InvoiceStatus.Void && i.IssueDate > since)
            .GroupBy(i => i.Currency).Select(g => new { Currency = g.Key, Minor = g.Sum(i => i.TotalMinor) })
            .ToDictionaryAsync(g => g.Currency, g => g.Minor, cancellationToken);
        return [.. invoiced.Where(i => i.Value > 0).OrderBy(i => i.Key.Code).Select(i =>
        {
            var owed = Math.Max(0, receivable.GetValueOrDefault(i.Key));
            var days = (int)Math.Round((decimal)owed / i.Value * PeriodDays, MidpointRounding.AwayFromZero);
            return new DaysSalesOutstanding(i.Key, days, new Money(owed, i.Key), new Money(i.Value, i.Key));
        })];
    }

    /// <summary>What each step's reminders sent over the last <see cref="PeriodDays"/> days were followed by.</summary>
    public async Task<IReadOnlyList<StepEffect>> ReminderEffectAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var since = clock.GetUtcNow().AddDays(-PeriodDays);
        var sentInPeriod = db.Reminders.Where(r => r.Status == ReminderStatus.Sent && r.SentAt >= since);
        var sent = (await sentInPeriod.Select(r => new { r.InvoiceId, r.Step, r.SentAt }).ToListAsync(cancellationToken))
            .Select(r => new SentReminder(r.InvoiceId, r.Step, r.SentAt!.Value)).ToList();
        if (sent.Count == 0)
            return ReminderEffect.Of([], []);
        var remindedInvoices = sentInPeriod.Select(r => r.InvoiceId);
        // Money the client sent: credit already held and spent on the invoice is not something a reminder brought in.
        var received = await (
            from allocation in db.PaymentAllocations
            join payment in db.Payments on allocation.PaymentId equals payment.Id
            where allocation.InvoiceId != null && remindedInvoices.Contains(allocation.InvoiceId.Value) && payment.Method != PaymentMethod.Credit
                && (payment.Status == PaymentStatus.Succeeded || payment.Status == PaymentStatus.Settled || payment.Status == PaymentStatus.PartiallyRefunded)
                && payment.SucceededAt >= since
            select new { InvoiceId = allocation.InvoiceId!.Value, allocation.Currency, allocation.AmountMinor, payment.SucceededAt }).ToListAsync(cancellationToken);
        return ReminderEffect.Of(sent, received.Select(r => new InvoiceReceipt(r.InvoiceId, new Money(r.AmountMinor, r.Currency), r.SucceededAt!.Value)));
    }
}
