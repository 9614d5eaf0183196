using Portal.Domain.Books;

namespace Portal.Domain.Firms;

/// <summary>
/// The days a firm counts in: the calendar of its time zone. Instants are stored in UTC; every date the portal shows or
/// files for a firm (today, what is overdue, a payment's day, a document's date, an entry's day and month in the books)
/// is the firm's local date of that instant. A firm in Paris starts its day at midnight in Paris, one or two hours
/// before UTC does, so a cheque recorded at 00:30 on the 1st, Paris time, is the 1st's and its month's, not the last
/// day of the month before.
/// </summary>
public readonly record struct BusinessCalendar
{
    private readonly TimeZoneInfo? _zone;

    /// <param name="timeZone">An IANA zone ("Europe/Paris"); an unknown one counts as <see cref="Firm.DefaultTimeZone"/>.</param>
    public BusinessCalendar(string timeZone) =>
        _zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) ? zone : TimeZoneInfo.FindSystemTimeZoneById(Firm.DefaultTimeZone);

    private TimeZoneInfo Zone => _zone ?? TimeZoneInfo.FindSystemTimeZoneById(Firm.DefaultTimeZone);

    public string TimeZone => Zone.Id;

    /// <summary>The local date and time at <paramref name="at"/>.</summary>
    public DateTime LocalTime(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).DateTime;

    /// <summary>The local date at <paramref name="at"/>.</summary>
    public DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);

    /// <summary>
    /// The instant <paramref name="day"/> begins. Where midnight does not exist (a clock moved forward at midnight), the
    /// day begins with the first hour that does.
    /// </summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        var start = Zone.IsInvalidTime(midnight) ? midnight.AddHours(1) : midnight;
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(start, Zone), TimeSpan.Zero);
    }

    /// <summary>The instant after <paramref name="day"/> ends: the start of the next day, for half-open ranges.</summary>
    public DateTimeOffset EndOf(DateOnly day) => StartOf(day.AddDays(1));

    /// <summary>The month of the books <paramref name="at"/> falls in.</summary>
    public AccountingPeriod PeriodOf(DateTimeOffset at) => AccountingPeriod.Of(DayOf(at));

    public DateTimeOffset StartOf(AccountingPeriod period) => StartOf(period.FirstDay);

    public DateTimeOffset EndOf(AccountingPeriod period) => StartOf(period.Next.FirstDay);
}
