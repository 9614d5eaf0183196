using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.OutgoingWebhooks;

/// <summary>
/// <c>Portal-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body" with the endpoint's secret&gt;</c>. The
/// timestamp is signed with the body so a receiver can refuse an old request replayed later.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Portal-Signature";
    public const string EventIdHeader = "Portal-Event-Id";
    public const string EventTypeHeader = "Portal-Event-Type";

    public static string Sign(string secret, DateTimeOffset at, string body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>A new signing secret: <c>whsec_</c> and 32 random bytes.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
