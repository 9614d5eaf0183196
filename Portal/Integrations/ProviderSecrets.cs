using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Portal.Domain.Payments;

namespace Portal.Integrations;

/// <summary>
/// Encrypts provider secrets at rest with Data Protection, one purpose per provider so a Stripe ciphertext can never
/// be read back as a GoCardless token. Plain secrets live only in memory for the length of a provider call.
/// </summary>
public sealed partial class ProviderSecrets(IDataProtectionProvider dataProtection)
{
    public ProtectedSecret Protect(PaymentProvider provider, string secret)
    {
        secret = secret.Trim();
        return new ProtectedSecret(Protector(provider).Protect(secret), Mask(secret));
    }

    public string Unprotect(PaymentProvider provider, string ciphertext) => Protector(provider).Unprotect(ciphertext);

    /// <summary>The key's kind and environment, and its last four characters: <c>sk_test_…4242</c>, <c>whsec_…9876</c>.</summary>
    public static string Mask(string secret)
    {
        if (secret.Length <= 12)
            return "…";
        var prefix = KindPrefix().Match(secret).Value;
        return $"{prefix}…{secret[^4..]}";
    }

    // Providers name their keys kind_environment_random (sk_live_…, sandbox_…, whsec_…); the kind is not secret.
    [GeneratedRegex("^[a-z]{2,8}_((test|live)_)?")]
    private static partial Regex KindPrefix();

    private IDataProtector Protector(PaymentProvider provider) =>
        dataProtection.CreateProtector($"Portal.Integrations.{provider}.Secrets.v1");
}
