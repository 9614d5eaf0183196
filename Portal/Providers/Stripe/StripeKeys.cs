using Portal.Domain;
using Portal.Integrations;

namespace Portal.Providers.Stripe;

/// <summary>
/// Stripe's key prefixes tell test keys from live ones. Checking them against the chosen mode stops a live key
/// from being pointed at the emulator, and a test key from being trusted with real money.
/// </summary>
public static class StripeKeys
{
    public static void EnsureFit(ProviderMode mode, string secretKey, string? publishableKey, string webhookSecret)
    {
        var environment = mode == ProviderMode.Live ? "live" : "test";
        if (!secretKey.StartsWith($"sk_{environment}_", StringComparison.Ordinal) && !secretKey.StartsWith($"rk_{environment}_", StringComparison.Ordinal))
            throw new DomainException($"The secret key must start with sk_{environment}_ or rk_{environment}_ in {mode} mode.");
        if (!string.IsNullOrWhiteSpace(publishableKey) && !publishableKey.StartsWith($"pk_{environment}_", StringComparison.Ordinal))
            throw new DomainException($"The publishable key must start with pk_{environment}_ in {mode} mode.");
        // In sandbox mode Portal registers its own webhook with the emulator and keeps the secret it gets back.
        if (mode != ProviderMode.Sandbox && !webhookSecret.StartsWith("whsec_", StringComparison.Ordinal))
            throw new DomainException("The webhook signing secret must start with whsec_.");
    }
}
