using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Portal.Localization;

public static class LocalizationSetup
{
    public static readonly string[] SupportedCultures = ["en", "fr"];

    public static IServiceCollection AddPortalLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.SetDefaultCulture("en").AddSupportedCultures(SupportedCultures).AddSupportedUICultures(SupportedCultures);
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
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, HttpOnly = true, IsEssential = true });
            // Only local paths: never an open redirect.
            var target = redirectUri is { Length: > 0 } && redirectUri.StartsWith('/') && !redirectUri.StartsWith("//", StringComparison.Ordinal) ? redirectUri : "/";
            return Results.LocalRedirect(target);
        });
        return app;
    }

    public static string LanguageName(string culture) => CultureInfo.GetCultureInfo(culture).NativeName is var name && name.Length > 0
        ? char.ToUpper(name[0], CultureInfo.GetCultureInfo(culture)) + name[1..] : culture;
}
