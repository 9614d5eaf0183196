using System.Collections.Concurrent;

namespace Portal.Sandbox.Common;

// What a create did the first time it was seen under a key: Stripe replays Status+Body, GoCardless points at ResourceId.
public sealed record IdempotentOutcome(string Fingerprint, int Status, string Body, string? ResourceId);

public sealed class IdempotencyStore
{
    private readonly ConcurrentDictionary<(SandboxProvider Provider, string Account, string Key), IdempotentOutcome> _outcomes = new();

    public IdempotentOutcome? Find(SandboxProvider provider, string account, string key) =>
        _outcomes.GetValueOrDefault((provider, account, key));

    public void Remember(SandboxProvider provider, string account, string key, IdempotentOutcome outcome) =>
        _outcomes.TryAdd((provider, account, key), outcome);
}
