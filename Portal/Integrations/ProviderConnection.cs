using Portal.Domain;
using Portal.Domain.Payments;

namespace Portal.Integrations;

/// <summary>Where a connection's calls go: the in-app emulator, the provider's test environment, or real money.</summary>
public enum ProviderMode { Sandbox, Test, Live }

/// <summary>
/// A firm's credentials for one payment provider. Secrets are stored only as Data Protection ciphertext, next to a
/// masked hint (<c>sk_test_…4242</c>) that is all a page or a log ever shows. Stripe uses the API key, publishable key
/// and webhook signing secret; GoCardless uses the access token and webhook secret in the same columns.
/// </summary>
public sealed class ProviderConnection : ITenantOwned
{
    private ProviderConnection() { }

    public ProviderConnection(Guid firmId, PaymentProvider provider, DateTimeOffset connectedAt)
    {
        if (provider == PaymentProvider.None)
            throw new DomainException("A connection is to a payment provider.");
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        Provider = provider;
        ConnectedAt = connectedAt;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public PaymentProvider Provider { get; private set; }
    public ProviderMode Mode { get; private set; }
    /// <summary>Not secret: Stripe's publishable key, shown in full.</summary>
    public string? PublicKey { get; private set; }
    public string ApiSecretProtected { get; private set; } = "";
    public string ApiSecretHint { get; private set; } = "";
    public string WebhookSecretProtected { get; private set; } = "";
    public string WebhookSecretHint { get; private set; } = "";
    /// <summary>The provider's own id and name for the account, as last seen by "Test connection".</summary>
    public string? AccountId { get; private set; }
    public string? AccountName { get; private set; }
    public DateTimeOffset ConnectedAt { get; private set; }
    public DateTimeOffset? LastVerifiedAt { get; private set; }
    /// <summary>Events created up to this time have been compared with the inbox by reconciliation.</summary>
    public DateTimeOffset? EventsReconciledUntil { get; private set; }

    public void SetCredentials(ProviderMode mode, string? publicKey, ProtectedSecret apiSecret, ProtectedSecret webhookSecret, DateTimeOffset now)
    {
        Mode = mode;
        PublicKey = string.IsNullOrWhiteSpace(publicKey) ? null : publicKey.Trim();
        (ApiSecretProtected, ApiSecretHint) = (apiSecret.Ciphertext, apiSecret.Hint);
        (WebhookSecretProtected, WebhookSecretHint) = (webhookSecret.Ciphertext, webhookSecret.Hint);
        ConnectedAt = now;
        // New keys may belong to another account: what was verified before no longer holds.
        AccountId = AccountName = null;
        LastVerifiedAt = null;
    }

    public void ReplaceWebhookSecret(ProtectedSecret webhookSecret) =>
        (WebhookSecretProtected, WebhookSecretHint) = (webhookSecret.Ciphertext, webhookSecret.Hint);

    public void MarkVerified(string accountId, string? accountName, DateTimeOffset now)
    {
        AccountId = accountId;
        AccountName = accountName;
        LastVerifiedAt = now;
    }

    public void MarkReconciledUntil(DateTimeOffset until) => EventsReconciledUntil = until;
}

/// <summary>A secret as it is stored: ciphertext, and a hint safe to show.</summary>
public readonly record struct ProtectedSecret(string Ciphertext, string Hint);
