using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Portal.EInvoicing.Platform;

// OAuth2 access tokens, cached per client until shortly before they expire (times from TimeProvider). Keyed by a
// hash of the credentials, so a secret changed by the owner never reuses the old secret's token.
public sealed class PlatformTokens(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset ExpiresAt)> _tokens = new();

    internal string? Current(PlatformConnectionInfo connection, TimeSpan renewalMargin) =>
        _tokens.TryGetValue(Key(connection), out var cached) && cached.ExpiresAt - renewalMargin > clock.GetUtcNow() ? cached.Token : null;

    internal void Store(PlatformConnectionInfo connection, string token, TimeSpan lifetime) =>
        _tokens[Key(connection)] = (token, clock.GetUtcNow() + lifetime);

    internal void Forget(PlatformConnectionInfo connection) => _tokens.TryRemove(Key(connection), out _);

    private static string Key(PlatformConnectionInfo connection) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{connection.TokenUrl}\n{connection.ClientId}\n{connection.ClientSecret}")));
}
