using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Tenancy;

namespace Portal.Integrations;

/// <summary>What a page may show about a connection: never a secret, only its hints.</summary>
public sealed record ConnectionSummary(
    PaymentProvider Provider, ProviderMode Mode, string? PublicKey, string ApiSecretHint, string WebhookSecretHint,
    string? AccountId, string? AccountName, DateTimeOffset ConnectedAt, DateTimeOffset? LastVerifiedAt);

/// <summary>The current firm's provider connections: saving keys encrypted, reading them back for a provider call.</summary>
public sealed class ProviderConnections(IDbContextFactory<PortalDbContext> dbFactory, ProviderSecrets secrets, TenantContext tenant, TimeProvider clock)
{
    public async Task<ConnectionSummary?> SummaryAsync(PaymentProvider provider, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ProviderConnections.AsNoTracking().Where(c => c.Provider == provider)
            .Select(c => new ConnectionSummary(c.Provider, c.Mode, c.PublicKey, c.ApiSecretHint, c.WebhookSecretHint, c.AccountId, c.AccountName, c.ConnectedAt, c.LastVerifiedAt))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Creates or replaces the firm's connection to <paramref name="provider"/>. Secrets are trimmed and encrypted here.</summary>
    public async Task SaveAsync(PaymentProvider provider, ProviderMode mode, string? publicKey, string apiSecret, string webhookSecret, CancellationToken cancellationToken = default)
    {
        var firmId = tenant.FirmId ?? throw new DomainException("Only a firm's staff can connect a provider.");
        if (string.IsNullOrWhiteSpace(apiSecret))
            throw new DomainException("The secret key is required.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = await db.ProviderConnections.SingleOrDefaultAsync(c => c.Provider == provider, cancellationToken);
        if (connection is null)
        {
            connection = new ProviderConnection(firmId, provider, clock.GetUtcNow());
            db.ProviderConnections.Add(connection);
        }
        connection.SetCredentials(mode, publicKey, secrets.Protect(provider, apiSecret), ProtectWebhookSecret(provider, webhookSecret), clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task DisconnectAsync(PaymentProvider provider, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.ProviderConnections.Where(c => c.Provider == provider).ExecuteDeleteAsync(cancellationToken);
    }

    private ProtectedSecret ProtectWebhookSecret(PaymentProvider provider, string webhookSecret) =>
        string.IsNullOrWhiteSpace(webhookSecret) ? new ProtectedSecret("", "") : secrets.Protect(provider, webhookSecret);
}
