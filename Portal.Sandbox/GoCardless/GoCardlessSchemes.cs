namespace Portal.Sandbox.GoCardless;

// Scheme facts the sandbox needs. GoCardless documents schemes and currencies separately; this pairing is the
// usual one (PROVIDERS.md A2).
internal sealed record GoCardlessScheme(string Name, string Currency, int MaxReferenceLength, string FailureReasonCode, string CountryCode, string BankName);

internal static class GoCardlessSchemes
{
    public static readonly IReadOnlyList<GoCardlessScheme> All =
    [
        new("bacs", "GBP", 10, "ARUDD-0", "GB", "Sandbox Bank plc"),
        new("sepa_core", "EUR", 140, "AM04", "DE", "Sandbox Bank AG"),
        new("ach", "USD", 10, "R01", "US", "Sandbox Bank N.A."),
        new("autogiro", "SEK", 11, "1", "SE", "Sandbox Bank AB"),
        new("becs", "AUD", 30, "1", "AU", "Sandbox Bank Ltd"),
        new("becs_nz", "NZD", 12, "1", "NZ", "Sandbox Bank NZ"),
        new("betalingsservice", "DKK", 15, "0236", "DK", "Sandbox Bank A/S"),
        new("pad", "CAD", 12, "901", "CA", "Sandbox Bank Canada"),
    ];

    public static GoCardlessScheme? Named(string? name) => All.FirstOrDefault(s => s.Name == name);

    public static GoCardlessScheme? ForCurrency(string? currency) =>
        All.FirstOrDefault(s => string.Equals(s.Currency, currency, StringComparison.OrdinalIgnoreCase));
}

// A fake banking calendar: weekends are the only non-working days.
internal static class WorkingDays
{
    public static bool IsWorkingDay(DateOnly day) => day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    public static DateOnly RollForward(DateOnly day)
    {
        while (!IsWorkingDay(day))
        {
            day = day.AddDays(1);
        }

        return day;
    }

    public static DateOnly Add(DateOnly day, int workingDays)
    {
        for (var added = 0; added < workingDays;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                added++;
            }
        }

        return day;
    }
}
