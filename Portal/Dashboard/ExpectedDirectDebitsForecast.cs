using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.DirectDebit;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
using Portal.Domain.Recurring;

namespace Portal.Dashboard;

/// <summary>
/// The direct debits a firm can count on over the coming days, as the dashboard shows them. Two kinds:
/// <list type="bullet">
/// <item><b>Sent</b>: collections GoCardless has been asked for and still has in flight, on the charge date it gave.</item>
/// <item><b>To send</b>: what the portal itself will hand to GoCardless, on the day GoCardless will then charge it:
/// the retries planned after failed automatic collections, the issued invoices automatic collection has not reached
/// yet, and the invoices auto-collect schedules will make. Each is counted only when it would really be collected
/// today: the client has a usable mandate in the currency and has not turned automatic payment off.</item>
/// </list>
/// An invoice is in one kind at most: its collection is either sent, or waiting for one of the three.
/// </summary>
internal static class ExpectedDirectDebitsForecast
{
    /// <summary>One collection expected on <paramref name="ChargeDate"/>.</summary>
    private readonly record struct Expected(DateOnly ChargeDate, Money Amount, bool Sent);

    public static async Task<IReadOnlyList<ExpectedDirectDebits>> ForFirmAsync(PortalDbContext db, Firm firm, DateOnly today, int days, CancellationToken cancellationToken)
    {
        var end = today.AddDays(days);
        var expected = await SentAsync(db, today, end, cancellationToken);
        if (firm.Policy.MethodsAllowed.HasFlag(PaymentMethods.DirectDebit))
        {
            var mandates = await FirstChargeDaysAsync(db, firm, today, cancellationToken);
            if (mandates.Count > 0)
            {
                if (firm.Policy.AutoCollectDirectDebitOnDueDate)
                {
                    expected.AddRange(await PlannedRetriesAsync(db, mandates, end, cancellationToken));
                    expected.AddRange(await AwaitingCollectionAsync(db, mandates, end, cancellationToken));
                }
                expected.AddRange(await RecurringToComeAsync(db, mandates, today, end, cancellationToken));
            }
        }
        return [.. expected.Where(e => e.ChargeDate >= today && e.ChargeDate < end).GroupBy(e => e.Amount.Currency).OrderBy(g => g.Key.Code).Select(byCurrency =>
        {
            var currency = byCurrency.Key;
            Money Sum(IEnumerable<Expected> some, bool sent) => some.Where(e => e.Sent == sent).Select(e => e.Amount).Sum(currency);
            var weeks = Enumerable.Range(0, (days + 6) / 7).Select(week =>
            {
                var from = today.AddDays(week * 7);
                var to = DateOnly.FromDayNumber(Math.Min(from.DayNumber + 6, end.DayNumber - 1));
                var inWeek = byCurrency.Where(e => e.ChargeDate >= from && e.ChargeDate <= to).ToList();
                return new ExpectedWeek(from, to, Sum(inWeek, sent: true), Sum(inWeek, sent: false));
            }).ToList();
            return new ExpectedDirectDebits(currency, Sum(byCurrency, sent: true), byCurrency.Count(e => e.Sent), Sum(byCurrency, sent: false), byCurrency.Count(e => !e.Sent), weeks);
        })];
    }

    /// <summary>Collections in flight at GoCardless, charged from today to the end of the window.</summary>
    private static async Task<List<Expected>> SentAsync(PortalDbContext db, DateOnly today, DateOnly end, CancellationToken cancellationToken) =>
        [.. (await (
            from collection in db.ScheduledCollections
            join payment in db.Payments on collection.PaymentId equals payment.Id
            where payment.Status == PaymentStatus.Pending && collection.ChargeDate >= today && collection.ChargeDate < end
            select new { collection.ChargeDate, payment.AmountMinor, payment.Currency }).ToListAsync(cancellationToken))
            .Select(c => new Expected(c.ChargeDate, new Money(c.AmountMinor, c.Currency), Sent: true))];

    /// <summary>
    /// For each client and currency a direct debit would collect now: the first day GoCardless could charge its mandate
    /// (today at the earliest). Clients who turned automatic payment off, or chose their card, are left out.
    /// </summary>
    private static async Task<Dictionary<(Guid ClientAccountId, Currency Currency), DateOnly>> FirstChargeDaysAsync(
        PortalDbContext db, Firm firm, DateOnly today, CancellationToken cancellationToken)
    {
        var usable = await db.DirectDebitMandates.AsNoTracking().Where(m => DirectDebitMandate.UsableStatuses.Contains(m.Status))
            .Select(m => new { m.ClientAccountId, m.Currency, m.NextPossibleChargeDate }).ToListAsync(cancellationToken);
        var leftAlone = await CardOnFile.AutomaticPayments.ClientsDirectDebitLeavesAsync(db, firm, cancellationToken);
        return usable.Where(m => !leftAlone.Contains(m.ClientAccountId)).GroupBy(m => (m.ClientAccountId, m.Currency))
            .ToDictionary(g => g.Key, g => g.Select(m => m.NextPossibleChargeDate is { } next && next > today ? next : today).Min());
    }

    /// <summary>
    /// Retries planned after a failed automatic collection, of what the invoice still owes, charged from their day on.
    /// One whose invoice was settled or is being paid another way will not be made, so it is not expected.
    /// </summary>
    private static async Task<IEnumerable<Expected>> PlannedRetriesAsync(
        PortalDbContext db, Dictionary<(Guid, Currency), DateOnly> firstChargeDays, DateOnly end, CancellationToken cancellationToken)
    {
        var retries = await (
            from retry in db.DirectDebitRetries
            where retry.Status == DirectDebitRetryStatus.Planned && retry.PlannedFor < end
            join invoice in db.Invoices on retry.InvoiceId equals invoice.Id
            where (invoice.Status == InvoiceStatus.Open || invoice.Status == InvoiceStatus.PartiallyPaid) && invoice.PendingMinor == 0
            select new { retry.PlannedFor, invoice.ClientAccountId, invoice.Currency, Payable = invoice.TotalMinor - invoice.CreditedMinor - invoice.PaidMinor })
            .ToListAsync(cancellationToken);
        return retries.Where(r => r.Payable > 0 && firstChargeDays.ContainsKey((r.ClientAccountId, r.Currency))).Select(r =>
            new Expected(Later(r.PlannedFor, firstChargeDays[(r.ClientAccountId, r.Currency)]), new Money(r.Payable, r.Currency), Sent: false));
    }

    /// <summary>
    /// Issued invoices the firm's automatic collection has not sent yet (it runs every few minutes, and at once for a
    /// client's first mandate), collected on their due date. One it has already tried once is left to its retries.
    /// </summary>
    private static async Task<IEnumerable<Expected>> AwaitingCollectionAsync(
        PortalDbContext db, Dictionary<(Guid, Currency), DateOnly> firstChargeDays, DateOnly end, CancellationToken cancellationToken)
    {
        var clientIds = firstChargeDays.Keys.Select(k => k.Item1).Distinct().ToList();
        // What automatic collection would ask for: what is payable now (an open invoice is never void).
        var invoices = await db.Invoices
            .Where(i => (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid) && i.DueDate < end && clientIds.Contains(i.ClientAccountId))
            .Where(i => !db.ScheduledCollections.Any(c => c.Automatic && c.InvoiceId == i.Id))
            .Select(i => new { i.ClientAccountId, i.Currency, i.DueDate, i.MethodsAllowed, Payable = i.TotalMinor - i.CreditedMinor - i.PaidMinor - i.PendingMinor })
            .ToListAsync(cancellationToken);
        return invoices.Where(i => i.Payable > 0 && i.MethodsAllowed.HasFlag(PaymentMethods.DirectDebit) && firstChargeDays.ContainsKey((i.ClientAccountId, i.Currency)))
            .Select(i => new Expected(Later(i.DueDate, firstChargeDays[(i.ClientAccountId, i.Currency)]), new Money(i.Payable, i.Currency), Sent: false));
    }

    /// <summary>
    /// The invoices active auto-collect schedules will make (each dated the day it is made, never before today) and
    /// hand to direct debit, collected on their due date.
    /// </summary>
    private static async Task<IEnumerable<Expected>> RecurringToComeAsync(
        PortalDbContext db, Dictionary<(Guid, Currency), DateOnly> firstChargeDays, DateOnly today, DateOnly end, CancellationToken cancellationToken)
    {
        var schedules = await db.RecurringSchedules.AsNoTracking()
            .Where(s => s.Status == ScheduleStatus.Active && s.AutoCollect && s.NextIssueOn < end).ToListAsync(cancellationToken);
        var expected = new List<Expected>();
        foreach (var schedule in schedules)
        {
            if (!firstChargeDays.TryGetValue((schedule.ClientAccountId, schedule.Currency), out var firstChargeDay))
                continue;
            var rule = schedule.Rule;
            for (var index = schedule.NextPeriodIndex; rule.Period(index) is { } period; index++)
            {
                var issuedOn = Later(period.IssueOn, today);
                if (issuedOn >= end)
                    break;
                expected.Add(new Expected(Later(issuedOn.AddDays(schedule.DueDays), firstChargeDay), schedule.Total, Sent: false));
            }
        }
        return expected;
    }

    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;
}
