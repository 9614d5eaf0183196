using Microsoft.AspNetCore.DataProtection;
using Portal.Domain.Payments;

namespace Portal.Integrations;

/// <summary>
/// Encrypts provider secrets at rest with Data Protection, one purpose per provider so a Stripe ciphertext can never
/// be read back as a GoCardless token. Plain secrets live only in memory for the length of a provider call.
/// </summary>
public sealed class ProviderSecrets(IDataProtectionProvider dataProtection)
{
    public ProtectedSecret Protect(PaymentProvider provider, string secret)
    {
        secret = secret.Trim();
        return new ProtectedSecret(Protector(provider).Protect(secret), Mask(secret));
    }

    public string Unprotect(PaymentProvider provider, string ciphertext) => Protector(provider).Unprotect(ciphertext);

    /// <summary>The key's prefix up to its last underscore and its last four characters: <c>sk_test_…4242</c>.</summary>
    public static string Mask(string secret)
    {
        var prefixEnd = secret.LastIndexOf('_', Math.Max(0, secret.Length - 5));
        var prefix = prefixEnd >= 0 && prefixEnd <= 12 ? secret[..(prefixEnd + 1)] : "";
        return secret.Length <= 8 ? "…" : $"{prefix}…{secret[^4..]}";
    }

    private IDataProtector Protector(PaymentProvider provider) =>
        dataProtection.CreateProtector($"Portal.Integrations.{provider}.Secrets.v1");
}
