using System.Collections.Concurrent;
using Portal.Domain.ApiKeys;

namespace Portal.Api;

/// <summary>
/// Keys this instance checked in the last few seconds, with their firm's key: an integration's burst of requests costs
/// one look-up, not one per request (as the webhook endpoints keep their targets). A key revoked here is forgotten at
/// once; on another instance it stops working within <see cref="Lifetime"/>. Only keys found good are kept, so a
/// wrong or unknown key is looked up every time.
/// </summary>
public sealed class ApiKeyCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (ApiKey Key, string FirmKey, DateTimeOffset Until)> _checked = new(StringComparer.Ordinal);

    public (ApiKey Key, string FirmKey)? Find(string prefix)
    {
        if (!_checked.TryGetValue(prefix, out var entry))
            return null;
        if (entry.Until > clock.GetUtcNow())
            return (entry.Key, entry.FirmKey);
        _checked.TryRemove(KeyValuePair.Create(prefix, entry));
        return null;
    }

    public void Keep(ApiKey key, string firmKey) => _checked[key.Prefix] = (key, firmKey, clock.GetUtcNow() + Lifetime);

    public void Forget(string prefix) => _checked.TryRemove(prefix, out _);
}
