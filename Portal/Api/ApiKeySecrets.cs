using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Portal.Api;

public sealed class ApiOptions
{
    /// <summary>"live" or "test": the word in new keys' prefix. By default "live" in production, "test" elsewhere.</summary>
    public string? KeyMode { get; set; }

    /// <summary>Requests each key may make per minute before it is answered 429.</summary>
    public int RequestsPerMinute { get; set; } = 600;
}

/// <summary>
/// Makes and checks key secrets. A key reads <c>pk_live_3f9a2c1d_&lt;43 random characters&gt;</c>: the prefix finds the
/// key, the whole string is hashed with SHA-256 and compared in constant time (decision 0022).
/// </summary>
public sealed class ApiKeySecrets(IHostEnvironment environment, IOptions<ApiOptions> options)
{
    public string Mode => options.Value.KeyMode is { Length: > 0 } mode ? mode : environment.IsProduction() ? "live" : "test";

    public (string Prefix, string Secret, byte[] Hash) Generate()
    {
        var prefix = $"pk_{Mode}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var secret = $"{prefix}_{Base64UrlEncode(RandomNumberGenerator.GetBytes(32))}";
        return (prefix, secret, Hash(secret));
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>The prefix of a presented key (the first three parts), or null when it does not look like one of ours.</summary>
    public static string? PrefixOf(string presented)
    {
        var parts = presented.Split('_', 4);
        return parts is ["pk", { Length: > 0 and <= 10 }, { Length: 8 }, { Length: > 0 }] ? $"{parts[0]}_{parts[1]}_{parts[2]}" : null;
    }

    public static bool Matches(string presented, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(presented), storedHash);

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
