namespace Portal.Domain.Recurring;

public enum RecurrenceInterval { Weekly, Monthly, Quarterly, Yearly, EveryNMonths }

/// <summary>One period of a schedule: the dates it covers and the day its invoice is planned for.</summary>
/// <param name="Index">0 for the first period of the schedule, counting every period since its start (skipped ones too).</param>
/// <param name="IssueOn">The firm's local day the invoice is planned to be issued: <see cref="RecurrenceRule.IssueDaysBefore"/> before the period starts.</param>
/// <param name="DueOn">Planned due date: <see cref="RecurrenceRule.DueDays"/> after <paramref name="IssueOn"/>.</param>
public readonly record struct SchedulePeriod(int Index, DateOnly Start, DateOnly End, DateOnly IssueOn, DateOnly DueOn);

/// <summary>
/// When a recurring schedule's invoices fall. Every date is a local date in the firm's time zone, so clock changes
/// never move a period. Monthly periods are counted from the first one, never from the previous one, so an anchor on
/// the 31st gives 31 Jan, 28 (or 29) Feb, 31 Mar, 30 Apr… without drifting to the 28th. Anchor
/// <see cref="LastDayOfMonth"/> (31) is "the last day of each month"; 29 and 30 fall back to the month's last day the
/// same way. Weekly periods start on the start date's weekday, every seven days.
/// </summary>
public sealed record RecurrenceRule
{
    public const int LastDayOfMonth = 31;
    public const int MaxIssueDaysBefore = 60;
    public const int MaxDueDays = 365;
    public const int MaxCount = 1000;
    public const int MaxEveryMonths = 36;
    /// <summary>Longest schedule computed; beyond it a schedule must be ended and made again.</summary>
    private const int MaxPeriods = 100_000;

    public RecurrenceRule(RecurrenceInterval interval, int everyMonths, int anchorDay, DateOnly start, DateOnly? endDate, int? count, int issueDaysBefore, int dueDays)
    {
        if (!Enum.IsDefined(interval))
            throw new DomainException("Choose how often the invoice recurs.");
        if (interval == RecurrenceInterval.EveryNMonths && everyMonths is < 1 or > MaxEveryMonths)
            throw new DomainException($"\"Every N months\" needs a number of months from 1 to {MaxEveryMonths}.");
        if (interval != RecurrenceInterval.Weekly && anchorDay is < 1 or > LastDayOfMonth)
            throw new DomainException("The day of the month must be from 1 to 31 (31 is the last day of each month).");
        if (endDate is not null && count is not null)
            throw new DomainException("A schedule ends on a date or after a number of invoices, not both.");
        if (endDate < start)
            throw new DomainException("The end date cannot be before the start date.");
        if (count is < 1 or > MaxCount)
            throw new DomainException($"The number of invoices must be from 1 to {MaxCount}.");
        if (issueDaysBefore is < 0 or > MaxIssueDaysBefore)
            throw new DomainException($"Invoices are issued from 0 to {MaxIssueDaysBefore} days before their period.");
        if (dueDays is < 0 or > MaxDueDays)
            throw new DomainException($"Payment terms are from 0 to {MaxDueDays} days.");
        Interval = interval;
        EveryMonths = interval == RecurrenceInterval.EveryNMonths ? everyMonths : MonthsOf(interval);
        AnchorDay = interval == RecurrenceInterval.Weekly ? start.Day : anchorDay;
        Start = start;
        EndDate = endDate;
        Count = count;
        IssueDaysBefore = issueDaysBefore;
        DueDays = dueDays;
        if (Period(0) is null)
            throw new DomainException("No invoice falls between the start and the end date.");
    }

    public RecurrenceInterval Interval { get; }
    /// <summary>Months between two periods (0 for weekly).</summary>
    public int EveryMonths { get; }
    /// <summary>Day of the month periods start on, 1–31; 31 is the last day of every month. For weekly, the start's day (unused).</summary>
    public int AnchorDay { get; }
    public DateOnly Start { get; }
    /// <summary>No period starts after this day.</summary>
    public DateOnly? EndDate { get; }
    /// <summary>How many periods the schedule has in all, skipped ones included.</summary>
    public int? Count { get; }
    public int IssueDaysBefore { get; }
    public int DueDays { get; }

    /// <summary>The period at <paramref name="index"/>, or null when the schedule has ended before it.</summary>
    public SchedulePeriod? Period(int index)
    {
        if (index < 0 || index >= MaxPeriods || index >= Count)
            return null;
        DateOnly start, end;
        try
        {
            start = StartOf(index);
            end = StartOf(index + 1).AddDays(-1);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Past year 9999: the calendar, not the schedule, has ended.
            return null;
        }
        if (start > EndDate)
            return null;
        var issueOn = start.AddDays(-IssueDaysBefore);
        return new SchedulePeriod(index, start, end, issueOn, issueOn.AddDays(DueDays));
    }

    /// <summary>Up to <paramref name="count"/> periods from <paramref name="fromIndex"/> on: the preview staff see.</summary>
    public IReadOnlyList<SchedulePeriod> NextPeriods(int count, int fromIndex = 0)
    {
        var periods = new List<SchedulePeriod>(count);
        for (var index = fromIndex; periods.Count < count && Period(index) is { } period; index++)
            periods.Add(period);
        return periods;
    }

    /// <summary>The first period whose invoice is planned on or after <paramref name="day"/>: where a resumed schedule picks up.</summary>
    public int FirstIndexIssuedOnOrAfter(DateOnly day, int fromIndex)
    {
        var index = Math.Max(fromIndex, 0);
        // Jump close by arithmetic first, so a schedule resumed years later does not walk every period.
        var stepDays = Interval == RecurrenceInterval.Weekly ? 7 : EveryMonths * 28;
        var guess = (day.DayNumber - Start.DayNumber) / stepDays - 2;
        if (guess > index)
            index = Math.Min(guess, MaxPeriods);
        while (index > fromIndex && StartOf(index - 1).AddDays(-IssueDaysBefore) >= day)
            index--;
        while (index < MaxPeriods && StartOf(index).AddDays(-IssueDaysBefore) < day)
            index++;
        return index;
    }

    private DateOnly StartOf(int index)
    {
        if (Interval == RecurrenceInterval.Weekly)
            return Start.AddDays(7 * index);
        // The first anchor day on or after the start, then whole steps of months from that month.
        var first = OnAnchor(Start.Year, Start.Month);
        var firstMonth = first >= Start ? new DateOnly(Start.Year, Start.Month, 1) : new DateOnly(Start.Year, Start.Month, 1).AddMonths(1);
        var month = firstMonth.AddMonths(EveryMonths * index);
        return OnAnchor(month.Year, month.Month);
    }

    private DateOnly OnAnchor(int year, int month) => new(year, month, Math.Min(AnchorDay, DateTime.DaysInMonth(year, month)));

    private static int MonthsOf(RecurrenceInterval interval) => interval switch
    {
        RecurrenceInterval.Weekly => 0,
        RecurrenceInterval.Monthly => 1,
        RecurrenceInterval.Quarterly => 3,
        RecurrenceInterval.Yearly => 12,
        RecurrenceInterval.EveryNMonths => throw new ArgumentOutOfRangeException(nameof(interval)),
        _ => throw new DomainException("Choose how often the invoice recurs."),
    };
}
