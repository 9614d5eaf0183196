using System.Globalization;
using Portal.Domain.Firms;

namespace Portal.Domain.Books;

/// <summary>
/// A calendar month of the books: the firm's local month (<see cref="Firms.BusinessCalendar.PeriodOf"/>), so an
/// entry at 00:30 on the 1st, Paris time, is in the new month though UTC is still on the last day of the old one.
/// </summary>
public readonly record struct AccountingPeriod(int Year, int Month) : IComparable<AccountingPeriod>
{
    public static AccountingPeriod Of(DateOnly day) => new(day.Year, day.Month);

    /// <summary>Reads "2026-03"; anything else is refused with a message a person can act on.</summary>
    public static AccountingPeriod Parse(string? text)
    {
        if (DateOnly.TryParseExact((text ?? "").Trim() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year >= 2000)
            return Of(day);
        throw new DomainException($"'{text}' is not a month: write it as 2026-03.");
    }

    public DateOnly FirstDay => new(Year, Month, 1);
    public DateOnly LastDay => FirstDay.AddMonths(1).AddDays(-1);
    public AccountingPeriod Next => Of(FirstDay.AddMonths(1));
    public AccountingPeriod Previous => Of(FirstDay.AddMonths(-1));

    public int CompareTo(AccountingPeriod other) => (Year, Month).CompareTo((other.Year, other.Month));

    public static bool operator <(AccountingPeriod a, AccountingPeriod b) => a.CompareTo(b) < 0;
    public static bool operator >(AccountingPeriod a, AccountingPeriod b) => a.CompareTo(b) > 0;
    public static bool operator <=(AccountingPeriod a, AccountingPeriod b) => a.CompareTo(b) <= 0;
    public static bool operator >=(AccountingPeriod a, AccountingPeriod b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Year:D4}-{Month:D2}";
}

/// <summary>A month an owner closed: nothing can be posted into it any more.</summary>
public sealed class ClosedPeriod : ITenantOwned
{
    private ClosedPeriod() { }

    internal ClosedPeriod(Guid firmId, AccountingPeriod period, DateTimeOffset closedAt, string closedBy)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        Year = period.Year;
        Month = period.Month;
        ClosedAt = closedAt;
        ClosedBy = closedBy;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public int Year { get; private set; }
    public int Month { get; private set; }
    public DateTimeOffset ClosedAt { get; private set; }
    public string ClosedBy { get; private set; } = "";

    public AccountingPeriod Period => new(Year, Month);
}

/// <summary>
/// The rules of closing months. A month closes only once it is over, and after every month before it that holds
/// postings, so closed months are always one unbroken run; once closed it stays closed (corrections are
/// posted in the open period, as a new entry).
/// </summary>
public static class PeriodLock
{
    public static ClosedPeriod Close(Guid firmId, AccountingPeriod period, IReadOnlyCollection<AccountingPeriod> alreadyClosed,
        AccountingPeriod? firstWithPostings, BusinessCalendar calendar, DateTimeOffset now, string closedBy)
    {
        if (alreadyClosed.Contains(period))
            throw new DomainException($"{period} is already closed.");
        if (period >= calendar.PeriodOf(now))
            throw new DomainException($"{period} is not over yet: a month can be closed from the first day of the next one.");
        if (firstWithPostings is { } first && period > first)
        {
            var open = Enumerable.Range(0, int.MaxValue).Select(i => AccountingPeriod.Of(first.FirstDay.AddMonths(i)))
                .TakeWhile(p => p < period).FirstOrDefault(p => !alreadyClosed.Contains(p));
            if (open != default)
                throw new DomainException($"Close {open} first: months are closed in order.");
        }
        return new ClosedPeriod(firmId, period, now, closedBy);
    }

    /// <summary>Refuses a posting dated in a closed month, naming the month and where the correction goes.</summary>
    public static void EnsureOpen(DateTimeOffset postedAt, BusinessCalendar calendar, IReadOnlyCollection<AccountingPeriod> closed)
    {
        var period = calendar.PeriodOf(postedAt);
        if (closed.Contains(period))
            throw new DomainException($"The books of {period} are closed: nothing can be posted into that month. Record the correction in the open period.");
    }
}
