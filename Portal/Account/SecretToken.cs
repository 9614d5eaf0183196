using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace Portal.Account;

/// <summary>
/// Single-use secrets sent by email (magic links, invitations). Only the SHA-256 hash is stored, so a copy of the
/// database cannot be turned into sign-ins; lookups go by hash through a unique index.
/// </summary>
public static class SecretToken
{
    private const int Bytes = 32;

    public static (string Token, string Hash) Create()
    {
        var secret = RandomNumberGenerator.GetBytes(Bytes);
        return (WebEncoders.Base64UrlEncode(secret), Convert.ToHexStringLower(SHA256.HashData(secret)));
    }

    /// <summary>The stored hash for a token from a URL, or null when the text cannot be one of ours.</summary>
    public static string? HashOf(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64)
            return null;
        byte[] secret;
        try
        {
            secret = WebEncoders.Base64UrlDecode(token);
        }
        catch (FormatException)
        {
            return null;
        }
        return secret.Length == Bytes ? Convert.ToHexStringLower(SHA256.HashData(secret)) : null;
    }
}
