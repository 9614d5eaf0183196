using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Payments;
using Portal.Integrations;

namespace Portal.Webhooks;

/// <summary>The firm a provider's webhook URL belongs to, and the secret its deliveries are signed with (decrypted).</summary>
public sealed record WebhookTarget(Guid FirmId, string Secret);

/// <summary>
/// Finds the firm and signing secret behind <c>/webhooks/{provider}/{firmKey}</c>. Providers send events in bursts, and
/// looking the connection up (a query and a decryption) cost as much as storing the event, so a found target is
/// kept for <see cref="Lifetime"/>. Only connections that exist are kept: an unknown key costs a query each time
/// rather than memory. When a delivery's signature does not match the kept secret, the endpoint asks again with
/// <see cref="ReloadAsync"/>, so a secret changed on the integrations page (on any instance) is used at once; a
/// disconnected provider may still have events stored for up to <see cref="Lifetime"/>, which the processor then
/// finds without a connection and parks.
/// </summary>
public sealed class WebhookTargets(IServiceScopeFactory scopes, ProviderSecrets secrets, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(PaymentProvider Provider, string FirmKey), (WebhookTarget Target, DateTimeOffset Until)> _found = new();

    /// <summary>The target for this provider and firm key, or null when no firm has that provider connected with a webhook secret.</summary>
    public async Task<WebhookTarget?> FindAsync(PaymentProvider provider, string firmKey, CancellationToken cancellationToken)
    {
        if (_found.TryGetValue((provider, firmKey), out var kept) && kept.Until > clock.GetUtcNow())
            return kept.Target;
        return await ReloadAsync(provider, firmKey, cancellationToken);
    }

    /// <summary>Reads the target from the database whatever is kept, and keeps it; null (and nothing kept) when there is none.</summary>
    public async Task<WebhookTarget?> ReloadAsync(PaymentProvider provider, string firmKey, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken);
        var connection = await db.ProviderConnections.IgnoreQueryFilters()
            .Where(c => c.Provider == provider)
            .Join(db.Firms.IgnoreQueryFilters().Where(f => f.Key == firmKey), c => c.FirmId, f => f.Id, (c, f) => new { c.FirmId, c.WebhookSecretProtected })
            .SingleOrDefaultAsync(cancellationToken);
        if (connection is null || connection.WebhookSecretProtected.Length == 0)
        {
            _found.TryRemove((provider, firmKey), out _);
            return null;
        }
        var target = new WebhookTarget(connection.FirmId, secrets.Unprotect(provider, connection.WebhookSecretProtected));
        _found[(provider, firmKey)] = (target, clock.GetUtcNow() + Lifetime);
        return target;
    }
}
