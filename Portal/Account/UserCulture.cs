using System.Globalization;
using Portal.Localization;

namespace Portal.Account;

/// <summary>Speaks to a person in the language they chose (<see cref="PortalUser.Culture"/>).</summary>
public static class UserCulture
{
    /// <summary>Switches the UI culture until disposed, e.g. while writing an email to that person.</summary>
    public static IDisposable Use(string? culture)
    {
        var previous = CultureInfo.CurrentUICulture;
        if (culture is null || !LocalizationSetup.SupportedCultures.Contains(culture))
            return new Restore(previous);
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        return new Restore(previous);
    }

    /// <summary>After sign-in: remember the person's language in the culture cookie.</summary>
    public static void Remember(HttpContext http, string? culture)
    {
        if (culture is null || !LocalizationSetup.SupportedCultures.Contains(culture))
            return;
        LocalizationSetup.RememberLanguage(http, culture);
    }

    private sealed class Restore(CultureInfo previous) : IDisposable
    {
        public void Dispose() => CultureInfo.CurrentUICulture = previous;
    }
}
