using System.Globalization;
using Portal.Domain.Firms;

namespace Portal.Components.Shared;

/// <summary>
/// The one way dates meet people: day, abbreviated month and year in the reader's language ("5 Dec 2026",
/// "5 déc. 2026"). A numeric short date reads differently on each side of the Atlantic (12/05/2026 is 12 May to
/// a European client), and one style per screen keeps a date recognisable wherever it shows.
/// </summary>
public static class DateFormat
{
    /// <summary>The pattern for date pickers, so the field shows what the page shows.</summary>
    public const string Pattern = "d MMM yyyy";

    public static string Show(DateOnly date, CultureInfo? culture = null) => date.ToString(Pattern, culture ?? CultureInfo.CurrentCulture);

    /// <summary>A moment shown as its day in the firm's calendar (its time zone), whatever the server's zone is.</summary>
    public static string Show(DateTimeOffset moment, BusinessCalendar calendar, CultureInfo? culture = null) => Show(calendar.DayOf(moment), culture);

    /// <summary>A moment with its time on the firm's clock, for logs and lists of events.</summary>
    public static string ShowWithTime(DateTimeOffset moment, BusinessCalendar calendar, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        return calendar.LocalTime(moment).ToString(Pattern + " " + culture.DateTimeFormat.ShortTimePattern, culture);
    }
}
