using System.Globalization;
using Microsoft.AspNetCore.DataProtection;

namespace Portal.PayLinks;

/// <summary>
/// A guest's hold on one invoice: after a valid pay link is opened without signing in (where the firm allows it), a
/// short-lived cookie names that link, encrypted and signed with the app's Data Protection keys. The guest pages read
/// it and show that link's invoice only; it gives no sign-in, so nothing else in the portal opens with it.
/// </summary>
public sealed class GuestSessions(IDataProtectionProvider protection, TimeProvider clock)
{
    public const string CookieName = "Portal.PayGuest";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly IDataProtector _protector = protection.CreateProtector("Portal.PayLinks.GuestSession.v1");

    public void Start(HttpContext http, Guid payLinkId)
    {
        var expires = clock.GetUtcNow() + Lifetime;
        var value = _protector.Protect($"{payLinkId:N}|{expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}");
        http.Response.Cookies.Append(CookieName, value, new CookieOptions
        {
            HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Lax, Path = "/pay", IsEssential = true,
        });
    }

    /// <summary>The pay link this browser holds as a guest, or null (no cookie, tampered, or older than an hour).</summary>
    public Guid? Read(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
            return null;
        string plain;
        try
        {
            plain = _protector.Unprotect(value);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
        var parts = plain.Split('|');
        if (parts.Length != 2 || !Guid.TryParseExact(parts[0], "N", out var linkId)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || DateTimeOffset.FromUnixTimeSeconds(expires) <= clock.GetUtcNow())
            return null;
        return linkId;
    }
}
