using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Providers.PayPal.Api;

public sealed record PayPalAccessToken(string Value, DateTimeOffset ExpiresAt, string? AppId, string? Scope);

// OAuth2 access tokens, cached per REST app until shortly before they expire (PayPal's last nine hours). Keyed by a
// hash of the credentials, so a secret changed by the owner never reuses the old secret's token.
public sealed class PayPalTokens(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, PayPalAccessToken> _tokens = new();

    internal PayPalAccessToken? Current(PayPalCredentials credentials, TimeSpan renewalMargin) =>
        _tokens.TryGetValue(Key(credentials), out var cached) && cached.ExpiresAt - renewalMargin > clock.GetUtcNow() ? cached : null;

    internal void Store(PayPalCredentials credentials, PayPalAccessToken token) => _tokens[Key(credentials)] = token;

    internal void Forget(PayPalCredentials credentials) => _tokens.TryRemove(Key(credentials), out _);

    private static string Key(PayPalCredentials credentials) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{credentials.BaseUrl}\n{credentials.ClientId}\n{credentials.ClientSecret}")));
}
