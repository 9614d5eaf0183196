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
/// rather than memory. When a delivery's signature does not match the kept secret, <see cref="CheckAsync"/> reads
/// the target again, so a secret changed on the integrations page (on any instance) is used at once; a
/// disconnected provider may still have events stored for up to <see cref="Lifetime"/>, which the processor then
/// finds without a connection and parks.
/// </summary>
public sealed class WebhookTargets(IServiceScopeFactory scopes, ProviderSecrets secrets, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(PaymentProvider Provider, string FirmKey), (WebhookTarget Target, DateTimeOffset Until)> _found = new();

    /// <summary>
    /// The target for this provider and firm key with the outcome of <paramref name="check"/> on its secret; null when
    /// no firm has that provider connected with a webhook secret. When a kept secret fails the check, the target is
    /// read again and checked once more, so a secret just changed is used at once.
    /// </summary>
    public async Task<(WebhookTarget Target, TCheck Check)?> CheckAsync<TCheck>(
        PaymentProvider provider, string firmKey, Func<string, TCheck> check, Func<TCheck, bool> passed, CancellationToken cancellationToken)
    {
        var kept = _found.TryGetValue((provider, firmKey), out var found) && found.Until > clock.GetUtcNow() ? found.Target : null;
        var target = kept ?? await ReloadAsync(provider, firmKey, cancellationToken);
        if (target is null)
            return null;
        var outcome = check(target.Secret);
        if (passed(outcome) || kept is null)
            return (target, outcome);
        target = await ReloadAsync(provider, firmKey, cancellationToken);
        return target is null ? null : (target, check(target.Secret));
    }

    /// <summary>Reads the target from the database whatever is kept, and keeps it; null (and nothing kept) when there is none.</summary>
    private async Task<WebhookTarget?> ReloadAsync(PaymentProvider provider, string firmKey, CancellationToken cancellationToken)
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
