using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.EInvoicing.Platform;
using Portal.Integrations;
using Portal.Tenancy;

namespace Portal.EInvoicing;

/// <summary>What a page may show about the platform connection: never the secret, only its hint.</summary>
public sealed record PlatformConnectionSummary(string BaseUrl, string ClientId, string ClientSecretHint, DateTimeOffset ConnectedAt, DateTimeOffset? LastVerifiedAt);

/// <summary>The outcome of "Test connection", said plainly.</summary>
public sealed record PlatformConnectionCheck(bool Succeeded, string? Problem);

/// <summary>
/// The current firm's platform connection: saved with the secret encrypted under its own Data Protection purpose (a
/// payment provider's ciphertext can never be read back as this secret), tested through the healthcheck, removed.
/// </summary>
public sealed class PlatformConnections(
    IDbContextFactory<PortalDbContext> dbFactory, IDataProtectionProvider dataProtection, PlatformClients clients, TenantContext tenant, TimeProvider clock)
{
    private const string Purpose = "Portal.EInvoicing.Platform.Secrets.v1";

    public async Task<PlatformConnectionSummary?> SummaryAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.PlatformConnections.AsNoTracking()
            .Select(c => new PlatformConnectionSummary(c.BaseUrl, c.ClientId, c.ClientSecretHint, c.ConnectedAt, c.LastVerifiedAt))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Creates or replaces the firm's connection. The secret is trimmed and encrypted here; a blank one keeps the stored secret.</summary>
    public async Task SaveAsync(string baseUrl, string clientId, string clientSecret, CancellationToken cancellationToken = default)
    {
        var firmId = tenant.FirmId ?? throw new DomainException("Only a firm's staff can connect a platform.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = await db.PlatformConnections.SingleOrDefaultAsync(cancellationToken);
        ProtectedSecret secret;
        if (!string.IsNullOrWhiteSpace(clientSecret))
            secret = Protect(clientSecret);
        else if (connection is not null)
            secret = new ProtectedSecret(connection.ClientSecretProtected, connection.ClientSecretHint);
        else
            throw new DomainException("The OAuth2 client secret is required.");
        if (connection is null)
        {
            connection = new PlatformConnection(firmId, clock.GetUtcNow());
            db.PlatformConnections.Add(connection);
        }
        connection.SetCredentials(baseUrl, clientId, secret, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.PlatformConnections.ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Asks for a token and calls the healthcheck; the answer says what to fix, never the secret.</summary>
    public async Task<PlatformConnectionCheck> TestAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = await db.PlatformConnections.SingleOrDefaultAsync(cancellationToken)
            ?? throw new DomainException("Connect a platform first.");
        try
        {
            await clients.For(InfoFor(connection)).HealthcheckAsync(cancellationToken);
        }
        catch (PlatformApiException refused) when (refused.IsAuthentication)
        {
            return new(false, $"The platform refused the client id or secret ({refused.ErrorMessage}).");
        }
        catch (PlatformApiException refused)
        {
            return new(false, $"The platform answered {(int)refused.Status}: {refused.ErrorMessage}");
        }
        catch (Exception unreachable) when (unreachable is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new(false, $"The platform could not be reached: {unreachable.Message}");
        }

        connection.MarkVerified(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return new(true, null);
    }

    /// <summary>The decrypted connection for a platform call; the plain secret lives only as long as the call.</summary>
    public PlatformConnectionInfo InfoFor(PlatformConnection connection) =>
        new(new Uri(connection.BaseUrl), connection.ClientId, dataProtection.CreateProtector(Purpose).Unprotect(connection.ClientSecretProtected));

    public ProtectedSecret Protect(string secret)
    {
        secret = secret.Trim();
        return new ProtectedSecret(dataProtection.CreateProtector(Purpose).Protect(secret), ProviderSecrets.Mask(secret));
    }
}
