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

    /// <summary>The calendar the firm counts its days and months in.</summary>
    public BusinessCalendar Calendar => new(TimeZone);

    /// <summary>The firm's local date at <paramref name="now"/>.</summary>
    public DateOnly LocalToday(DateTimeOffset now) => Calendar.DayOf(now);

    /// <summary>The instant the firm's local <paramref name="day"/> begins.</summary>
    public DateTimeOffset StartOfLocalDay(DateOnly day) => Calendar.StartOf(day);
}
