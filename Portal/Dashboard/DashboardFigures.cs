using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;

namespace Portal.Dashboard;

/// <summary>How a payment came in, as the dashboard splits cash: transfers, cheques and cash are all money staff record by hand.</summary>
public enum CashChannel { Card, DirectDebit, ByHand }

/// <summary>Cash collected in one month of the firm's calendar, in one currency, by how it came in.</summary>
public sealed record CashMonth(DateOnly Month, Money Card, Money DirectDebit, Money ByHand)
{
    public Money Total => Card + DirectDebit + ByHand;

    public Money Of(CashChannel channel) => channel switch
    {
        CashChannel.Card => Card,
        CashChannel.DirectDebit => DirectDebit,
        CashChannel.ByHand => ByHand,
    };
}

/// <summary>Cash collected in one currency, one entry per month, oldest first.</summary>
public sealed record CashByMonth(Currency Currency, IReadOnlyList<CashMonth> Months)
{
    public Money Total => Months.Select(m => m.Total).Sum(Currency);
}

/// <summary>A client owing money past its due date: how much, and since when.</summary>
public sealed record OverdueClient(Guid ClientAccountId, string Name, Money Overdue, DateOnly OldestDueDate);

/// <summary>
/// Direct debits expected in the week that starts on <paramref name="From"/> (the last week may be shorter): those
/// already sent to GoCardless, and those the portal will send (see <see cref="ExpectedDirectDebitsForecast"/>).
/// </summary>
public sealed record ExpectedWeek(DateOnly From, DateOnly To, Money Sent, Money ToSend)
{
    public Money Amount => Sent + ToSend;
}

/// <summary>Direct debits expected over the coming days in one currency: sent and still to send, in all and by week.</summary>
public sealed record ExpectedDirectDebits(Currency Currency, Money Sent, int SentCount, Money ToSend, int ToSendCount, IReadOnlyList<ExpectedWeek> Weeks)
{
    public Money Total => Sent + ToSend;
    public int Collections => SentCount + ToSendCount;
}

/// <summary>What the staff dashboard shows beyond its lists; overdue and expected money as of <paramref name="Today"/>.</summary>
public sealed record StaffFigures(
    DateOnly Today, IReadOnlyList<CashByMonth> Cash, IReadOnlyList<Money> Outstanding, IReadOnlyList<Money> Overdue,
    IReadOnlyList<ExpectedDirectDebits> Expected, IReadOnlyList<OverdueClient> TopOverdue);

/// <summary>
/// The figures of the staff and client dashboards, aggregated in the database: a firm with years of payments costs a
/// few grouped queries, not a read of every row. Months of cash are the firm's local ones (<see cref="Firm.TimeZone"/>).
/// </summary>
/// <remarks>
/// Cash collected counts money that reached the firm: payments that succeeded (then paid out, or partly or wholly
/// refunded), in the month they succeeded, less what was refunded of them, so a refunded payment counts for nothing.
/// A payment that failed, was cancelled, is still in flight or was taken back (late failure, chargeback, bounced
/// cheque) brought no cash. Credit used on an invoice is left out: it is money the client paid earlier (a prepayment
/// or overpayment), already counted when it came in.
/// </remarks>
public sealed class DashboardFigures(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public const int CashMonths = 12;
    public const int ExpectedDays = 30;
    public const int TopOverdueCount = 5;

    public async Task<StaffFigures> ForFirmAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var today = firm.LocalToday(now);
        var cash = await CashAsync(db, firm, new DateOnly(today.Year, today.Month, 1).AddMonths(1 - CashMonths), CashMonths, cancellationToken);

        var open = db.Invoices.Where(i => i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid);
        var outstanding = await DueByCurrencyAsync(open, cancellationToken);
        var overdueInvoices = open.Where(i => i.DueDate < today);
        var overdue = await DueByCurrencyAsync(overdueInvoices, cancellationToken);

        var top = new List<OverdueClient>();
        foreach (var currency in overdue.Select(m => m.Currency))
        {
            var rows = await overdueInvoices.Where(i => i.Currency == currency).GroupBy(i => i.ClientAccountId)
                .Select(g => new { ClientAccountId = g.Key, Minor = g.Sum(i => i.TotalMinor - i.CreditedMinor - i.PaidMinor), Oldest = g.Min(i => i.DueDate) })
                .OrderByDescending(g => g.Minor).ThenBy(g => g.Oldest).Take(TopOverdueCount).ToListAsync(cancellationToken);
            var ids = rows.Select(r => r.ClientAccountId).ToArray();
            var names = await db.ClientAccounts.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
            top.AddRange(rows.Select(r => new OverdueClient(r.ClientAccountId, names.GetValueOrDefault(r.ClientAccountId, ""), new Money(r.Minor, currency), r.Oldest)));
        }

        return new StaffFigures(today, cash, outstanding, overdue, await ExpectedDirectDebitsForecast.ForFirmAsync(db, firm, today, ExpectedDays, cancellationToken), top);
    }

    /// <summary>
    /// What the client paid the firm in each month of the firm's current year up to this month, counted as cash collected
    /// is; a currency appears once the client paid in it this year.
    /// </summary>
    public async Task<(int Year, IReadOnlyList<CashByMonth> Paid)> ForClientThisYearAsync(Guid clientAccountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        var today = firm.LocalToday(clock.GetUtcNow());
        return (today.Year, await CashAsync(db, firm, new DateOnly(today.Year, 1, 1), today.Month, cancellationToken, clientAccountId));
    }

    private static async Task<List<Money>> DueByCurrencyAsync(IQueryable<Invoice> invoices, CancellationToken cancellationToken) =>
        (await invoices.GroupBy(i => i.Currency).Select(g => new { Currency = g.Key, Minor = g.Sum(i => i.TotalMinor - i.CreditedMinor - i.PaidMinor) }).ToListAsync(cancellationToken))
            .Select(t => new Money(t.Minor, t.Currency)).OrderBy(m => m.Currency.Code).ToList();

    private static async Task<IReadOnlyList<CashByMonth>> CashAsync(
        PortalDbContext db, Firm firm, DateOnly firstMonth, int months, CancellationToken cancellationToken, Guid? clientAccountId = null)
    {
        // Each month's bounds as instants: the database sorts payments into months by comparing, which reads the same on
        // PostgreSQL and SQLite and keeps the firm's time zone (and its clock changes) out of SQL.
        var starts = Enumerable.Range(0, months + 1).Select(m => firm.StartOfLocalDay(firstMonth.AddMonths(m))).ToArray();
        var (since, until) = (starts[0], starts[^1]);
        // Cash is what reached or left the firm's provider balance or bank for payments, each in the month it moved: a
        // payment in its month, a refund or a chargeback in theirs (a refund in December takes from December, not from
        // the November the card paid in), a failed refund or a dispute won when the money came back.
        var cash = from transaction in db.LedgerTransactions
                   where CashKinds.Contains(transaction.Kind) && transaction.OccurredAt >= since && transaction.OccurredAt < until
                   join payment in db.Payments on transaction.PaymentId equals payment.Id
                   where payment.Method != PaymentMethod.Credit
                   join posting in db.Postings on transaction.Id equals posting.TransactionId
                   where posting.AccountKind == LedgerAccountKind.Clearing || posting.AccountKind == LedgerAccountKind.Bank
                   select new { payment.ClientAccountId, Row = new CashMoved { Currency = posting.Currency, Method = payment.Method, At = transaction.OccurredAt, AmountMinor = posting.AmountMinor } };
        if (clientAccountId is { } clientId)
            cash = cash.Where(c => c.ClientAccountId == clientId);
        var rows = await cash.Select(c => c.Row).Select(MonthOf(starts))
            .GroupBy(r => new { r.Currency, r.Method, r.Month })
            .Select(g => new { g.Key.Currency, g.Key.Method, g.Key.Month, Minor = g.Sum(r => r.AmountMinor) })
            .ToListAsync(cancellationToken);

        return [.. rows.GroupBy(r => r.Currency).OrderBy(g => g.Key.Code).Select(byCurrency => new CashByMonth(byCurrency.Key, [.. Enumerable.Range(0, months).Select(month =>
        {
            long Sum(CashChannel channel) => byCurrency.Where(r => r.Month == month && ChannelOf(r.Method) == channel).Sum(r => r.Minor);
            var currency = byCurrency.Key;
            return new CashMonth(firstMonth.AddMonths(month), new Money(Sum(CashChannel.Card), currency), new Money(Sum(CashChannel.DirectDebit), currency), new Money(Sum(CashChannel.ByHand), currency));
        })]))];
    }

    private static CashChannel ChannelOf(PaymentMethod method) => method switch
    {
        PaymentMethod.Card => CashChannel.Card,
        PaymentMethod.DirectDebit => CashChannel.DirectDebit,
        PaymentMethod.BankTransfer or PaymentMethod.Cheque or PaymentMethod.Cash => CashChannel.ByHand,
        PaymentMethod.Credit => throw new InvalidOperationException("Credit used is not cash collected."),
    };

    /// <summary>The money movements that are cash collected (or given back) on payments.</summary>
    private static readonly LedgerTransactionKind[] CashKinds =
    [
        LedgerTransactionKind.PaymentSucceeded, LedgerTransactionKind.ManualPayment, LedgerTransactionKind.RefundToPaymentMethod,
        LedgerTransactionKind.PaymentReversed, LedgerTransactionKind.DisputeWon, LedgerTransactionKind.RefundFailed,
    ];

    /// <summary>A movement with the index of its month: how many month starts after the first it happened at or after.</summary>
    private static Expression<Func<CashMoved, PaidInMonth>> MonthOf(IReadOnlyList<DateTimeOffset> starts)
    {
        var moved = Expression.Parameter(typeof(CashMoved), "c");
        var at = Expression.Property(moved, nameof(CashMoved.At));
        Expression month = Expression.Constant(0);
        foreach (var start in starts.Skip(1).SkipLast(1))
        {
            // A variable captured per month, as a query written by hand would have: EF sends it as a parameter.
            var bound = Expression.Property(Expression.Constant(new Bound(start)), nameof(Bound.Start));
            month = Expression.Add(month, Expression.Condition(Expression.GreaterThanOrEqual(at, bound), Expression.Constant(1), Expression.Constant(0)));
        }
        return Expression.Lambda<Func<CashMoved, PaidInMonth>>(Expression.MemberInit(Expression.New(typeof(PaidInMonth)),
            Expression.Bind(typeof(PaidInMonth).GetProperty(nameof(PaidInMonth.Currency))!, Expression.Property(moved, nameof(CashMoved.Currency))),
            Expression.Bind(typeof(PaidInMonth).GetProperty(nameof(PaidInMonth.Method))!, Expression.Property(moved, nameof(CashMoved.Method))),
            Expression.Bind(typeof(PaidInMonth).GetProperty(nameof(PaidInMonth.Month))!, month),
            Expression.Bind(typeof(PaidInMonth).GetProperty(nameof(PaidInMonth.AmountMinor))!, Expression.Property(moved, nameof(CashMoved.AmountMinor)))), moved);
    }

    /// <summary>Money in (positive) or out (negative) of the firm's provider balance or bank, for a payment.</summary>
    private sealed class CashMoved
    {
        public Currency Currency { get; init; }
        public PaymentMethod Method { get; init; }
        public DateTimeOffset At { get; init; }
        public long AmountMinor { get; init; }
    }

    private sealed class PaidInMonth
    {
        public Currency Currency { get; init; }
        public PaymentMethod Method { get; init; }
        public int Month { get; init; }
        public long AmountMinor { get; init; }
    }

    private sealed record Bound(DateTimeOffset Start);
}

public static class DashboardSetup
{
    public static IServiceCollection AddDashboards(this IServiceCollection services) => services.AddScoped<DashboardFigures>();
}
