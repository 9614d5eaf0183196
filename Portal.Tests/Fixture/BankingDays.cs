namespace Portal.Tests.Fixture;

/// <summary>
/// The banking calendar Portal.Sandbox keeps, as GoCardless does with the real one: a collection asked for a
/// Saturday or Sunday is charged on the next working day. Tests state the rule instead of hoping the due date
/// they made is a weekday.
/// </summary>
public static class BankingDays
{
    public static DateOnly FirstWorkingDayOnOrAfter(DateOnly day) =>
        day.DayOfWeek switch
        {
            DayOfWeek.Saturday => day.AddDays(2),
            DayOfWeek.Sunday => day.AddDays(1),
            _ => day,
        };
}
