using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.WebUtilities;

namespace Portal.PayLinks;

/// <summary>
/// A pay link's token is a MAC of the link's id, keyed from the Data Protection key ring, so the server can write a
/// link again (on an invoice PDF) while the database holds only the token's hash (decision 0020). The MAC key is
/// derived from a key ring key's master secret with HKDF under a label of its own, so it can never stand in for
/// anything Data Protection does with the same key. The key ring is the one that already protects provider secrets:
/// encrypted at rest with a certificate from outside the database, so a database copy alone cannot forge a token.
/// </summary>
public sealed class PayLinkTokens(IKeyManager keyManager, IDataProtectionProvider dataProtection)
{
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("Portal.PayLinks.Token.v1");
    private readonly ConcurrentDictionary<Guid, byte[]> _macKeys = new();

    /// <summary>A new link's token and the hash stored for it, under the key ring's newest usable key.</summary>
    public (string Token, string Hash) Create(Guid linkId)
    {
        var key = NewestKey() ?? FirstKey();
        return TokenAndHash(MacKey(key)!, linkId);
    }

    /// <summary>
    /// The token of a stored link, found by trying each key of the ring against its hash: a link outlives the key
    /// ring's own rotation (the old key stays in the ring to read what it protected). Null for a link whose token was
    /// random (issued before tokens were derived) or whose key has left the ring or was revoked.
    /// </summary>
    public string? Recover(Guid linkId, string storedHash)
    {
        // A revoked key is one nobody should trust any more: its links are not written again (the PDF gets a new one).
        foreach (var key in keyManager.GetAllKeys().Where(k => !k.IsRevoked))
            if (MacKey(key) is { } macKey && Matches(macKey, linkId, storedHash) is { } token)
                return token;
        return null;
    }

    private static string? Matches(byte[] macKey, Guid linkId, string storedHash)
    {
        var (token, hash) = TokenAndHash(macKey, linkId);
        return CryptographicOperations.FixedTimeEquals(Convert.FromHexString(hash), Convert.FromHexString(storedHash)) ? token : null;
    }

    private static (string Token, string Hash) TokenAndHash(byte[] macKey, Guid linkId)
    {
        // 32 bytes, like a random secret token: SecretToken.HashOf finds it by the same hash.
        var secret = HMACSHA256.HashData(macKey, Encoding.ASCII.GetBytes("pay-link:" + linkId.ToString("N")));
        return (WebEncoders.Base64UrlEncode(secret), Convert.ToHexStringLower(SHA256.HashData(secret)));
    }

    private IKey? NewestKey() => keyManager.GetAllKeys()
        .Where(k => !k.IsRevoked && MacKey(k) is not null)
        .OrderByDescending(k => k.ActivationDate).ThenByDescending(k => k.CreationDate)
        .FirstOrDefault();

    /// <summary>A fresh database has no key yet: let Data Protection make its default key, as its first use would.</summary>
    private IKey FirstKey()
    {
        dataProtection.CreateProtector("Portal.PayLinks.KeyRing").Protect([0]);
        return NewestKey() ?? throw new InvalidOperationException("The Data Protection key ring has no usable key for pay links.");
    }

    /// <summary>The pay-link MAC key of one ring key, or null when that key cannot be read (its certificate is gone).</summary>
    private byte[]? MacKey(IKey key)
    {
        if (_macKeys.TryGetValue(key.KeyId, out var known))
            return known;
        string? master;
        try
        {
            // The descriptor's XML is the key ring's own serialisation; in memory it holds the decrypted master key.
            master = key.Descriptor.ExportToXml().SerializedDescriptorElement
                .Descendants().FirstOrDefault(e => e.Name.LocalName == "masterKey")?
                .Descendants().FirstOrDefault(e => e.Name.LocalName == "value")?.Value;
        }
        catch (Exception unreadable) when (unreadable is CryptographicException or InvalidOperationException)
        {
            return null;
        }
        if (string.IsNullOrEmpty(master))
            return null;
        var derived = HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromBase64String(master), 32, salt: [], info: Label);
        return _macKeys.GetOrAdd(key.KeyId, derived);
    }
}
