using Portal.Domain.Reminders;

namespace Portal.Domain.Firms;

/// <summary>When and how a firm reminds its clients, and the time zone its "today" is counted in.</summary>
public sealed partial class Firm
{
    public const string DefaultTimeZone = "Europe/Paris";

    public ReminderPolicy Reminders { get; private set; } = new();

    /// <summary>An IANA time zone ("Europe/Paris"): a reminder step falls on the firm's local day, not on UTC's.</summary>
    public string TimeZone { get; private set; } = DefaultTimeZone;

    public void ChangeReminders(ReminderPolicy policy)
    {
        policy.Validate();
        Reminders = policy;
    }

    public void ChangeTimeZone(string timeZone)
    {
        timeZone = timeZone.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
            throw new DomainException($"{timeZone} is not a known time zone.");
        TimeZone = timeZone;
    }

    /// <summary>The firm's local date at <paramref name="now"/>.</summary>
    public DateOnly LocalToday(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone).DateTime);

    /// <summary>
    /// The instant the firm's local <paramref name="day"/> begins. Where midnight does not exist (a clock moved forward
    /// at midnight), the day begins with the first hour that does.
    /// </summary>
    public DateTimeOffset StartOfLocalDay(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        var start = Zone.IsInvalidTime(midnight) ? midnight.AddHours(1) : midnight;
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(start, Zone), TimeSpan.Zero);
    }

    private TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : TimeZoneInfo.FindSystemTimeZoneById(DefaultTimeZone);
}
