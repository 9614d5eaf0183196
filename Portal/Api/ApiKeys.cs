using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.ApiKeys;

namespace Portal.Api;

public sealed record ApiKeyView(Guid Id, string Name, ApiKeyScope Scope, ApiResources Resources, string Prefix, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>A key just made: <see cref="Secret"/> is shown this once and never stored.</summary>
public sealed record NewApiKey(Guid Id, string Prefix, string Secret);

/// <summary>The owner's API keys: make one, list them, revoke one. Each change is in the audit log.</summary>
public sealed class ApiKeys(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, AuditRecorder audit, ApiKeySecrets secrets, ApiKeyCache cache)
{
    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking().ToListAsync(cancellationToken);
        return keys.OrderByDescending(k => k.CreatedAt)
            .Select(k => new ApiKeyView(k.Id, k.Name, k.Scope, k.Resources, k.Prefix, k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt)).ToList();
    }

    /// <summary>Makes a key reaching <paramref name="resources"/>; <paramref name="expiresOn"/> is the last day it works (on the firm's calendar), none for a key that lasts until revoked.</summary>
    public async Task<NewApiKey> CreateAsync(string name, ApiKeyScope scope, ApiResources resources, DateOnly? expiresOn, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firmId = db.Tenant.FirmId ?? throw new DomainException("Only a firm's owner can make API keys.");
        var (prefix, secret, hash) = secrets.Generate();
        DateTimeOffset? expiresAt = expiresOn is { } day ? (await Portal.Firms.FirmCalendar.OfAsync(db, cancellationToken)).EndOf(day) : null;
        var key = new ApiKey(firmId, name, scope, resources, prefix, hash, clock.GetUtcNow(), expiresAt);
        db.ApiKeys.Add(key);
        audit.Record(db, "API key created", "ApiKey", key.Id, null, $"{key.Name} ({key.Prefix}, {string.Join(" ", key.Scopes())})");
        await db.SaveChangesAsync(cancellationToken);
        return new NewApiKey(key.Id, key.Prefix, secret);
    }

    public async Task RevokeAsync(Guid keyId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId, cancellationToken) ?? throw new NotFoundException("API key");
        key.Revoke(clock.GetUtcNow());
        audit.Record(db, "API key revoked", "ApiKey", key.Id, $"{key.Name} ({key.Prefix})", "Revoked");
        await db.SaveChangesAsync(cancellationToken);
        // This instance stops taking it now; another within the cache's few seconds.
        cache.Forget(key.Prefix);
    }
}
