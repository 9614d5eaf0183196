using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Portal.Account;

/// <summary>What a visitor filled in on the sign-up form; the password only as Identity's hash of it.</summary>
public sealed record SignUpDetails(string FirmName, string FirmKey, string Currency, string DisplayName, string Email, string Culture, string PasswordHash, DateTimeOffset ExpiresAt);

/// <summary>
/// A sign-up creates nothing until its email address has answered: the details travel sealed (encrypted and signed
/// with the app's Data Protection keys) in the link emailed to that address, and the firm and its owner are created
/// when the link is used. So the sign-up form answers the same whether or not the address already has a sign-in, and
/// nothing is stored for a sign-up that is never confirmed.
/// </summary>
public sealed class SignUpRequests(IDataProtectionProvider protection, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private IDataProtector Protector => protection.CreateProtector("Portal.Account.SignUp.v1");

    public SignUpDetails Expiring(string firmName, string firmKey, string currency, string displayName, string email, string culture, string passwordHash) =>
        new(firmName, firmKey, currency, displayName, email, culture, passwordHash, clock.GetUtcNow() + Lifetime);

    public string Seal(SignUpDetails details) => Protector.Protect(JsonSerializer.Serialize(details));

    /// <summary>The details in a link, or null when it is not one of ours, was altered, or has expired.</summary>
    public SignUpDetails? Open(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 4096)
            return null;
        try
        {
            var details = JsonSerializer.Deserialize<SignUpDetails>(Protector.Unprotect(token));
            return details is not null && details.ExpiresAt > clock.GetUtcNow() ? details : null;
        }
        catch (Exception error) when (error is CryptographicException or FormatException or JsonException)
        {
            return null;
        }
    }
}
