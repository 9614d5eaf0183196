using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Portal.Localization;

public static class LocalizationSetup
{
    /// <summary>The languages Portal speaks (resource files exist for each).</summary>
    public static readonly string[] SupportedCultures = ["en", "fr"];

    // Dates and amounts follow the visitor's region when the browser names one (en-US sees 11/22/2026,
    // en-GB 22/11/2026); a bare language, or the switch, means the European form Portal's firms expect.
    private static readonly string[] FormattingCultures = ["en-GB", "en-IE", "en-US", "en-CA", "en-AU", "fr-FR", "fr-BE", "fr-CH", "fr-CA", "fr-LU", "en", "fr"];

    private static string RegionalCulture(string language) => language == "fr" ? "fr-FR" : "en-GB";

    public static IServiceCollection AddPortalLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(RegionalCulture("en"), "en");
            options.SupportedCultures = FormattingCultures.Select(CultureInfo.GetCultureInfo).ToList();
            options.SupportedUICultures = SupportedCultures.Select(CultureInfo.GetCultureInfo).ToList();
            options.FallBackToParentCultures = true;
            options.FallBackToParentUICultures = true;
        });
        return services;
    }

    /// <summary>GET /culture/{culture}?redirectUri=…: remembers the language in a cookie and goes back.</summary>
    public static IEndpointRouteBuilder MapCultureSwitch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture/{culture}", (string culture, string? redirectUri, HttpContext http) =>
        {
            if (!SupportedCultures.Contains(culture))
                return Results.Problem($"Unsupported language '{culture}'.", statusCode: StatusCodes.Status400BadRequest);
            RememberLanguage(http, culture);
            // Only local paths: never an open redirect.
            return Results.LocalRedirect(Security.ReturnUrl.LocalOrHome(redirectUri));
        });
        return app;
    }

    /// <summary>Keeps a language in the culture cookie, with its regional formatting.</summary>
    public static void RememberLanguage(HttpContext http, string language) =>
        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(RegionalCulture(language), language)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, HttpOnly = true, IsEssential = true });

    public static string LanguageName(string culture) => CultureInfo.GetCultureInfo(culture).NativeName is var name && name.Length > 0
        ? char.ToUpper(name[0], CultureInfo.GetCultureInfo(culture)) + name[1..] : culture;
}
