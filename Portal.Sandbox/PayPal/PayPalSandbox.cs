using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.PayPal;

// One REST app of the emulator: its orders, captures and refunds, under Gate.
internal sealed class PayPalAccount(string clientId, string clientSecret)
{
    public Lock Gate { get; } = new();

    public string ClientId { get; } = clientId;

    public string ClientSecret { get; set; } = clientSecret;

    // Where the app last reached the emulator: links in events raised by the clock (demo ticker) point there.
    public string BaseUrl { get; set; } = "http://localhost";

    // Not secret: what PayPal calls the app id in a token answer.
    public string AppId { get; } = "APP-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(clientId)))[..17];

    public int TokensIssued { get; set; }

    public Dictionary<string, PpOrder> Orders { get; } = [];

    public Dictionary<string, PpCapture> Captures { get; } = [];

    public Dictionary<string, PpRefund> Refunds { get; } = [];

    public Dictionary<string, PpDispute> Disputes { get; } = [];

    // Every event the app's webhook was sent (or lost), oldest first: what GET /v1/notifications/webhooks-events lists.
    public List<(DateTimeOffset CreateTime, JsonNode Event)> Events { get; } = [];
}

// A webhook transmission as the emulator sent it: what verify-webhook-signature compares a claimed one against.
internal sealed record PayPalTransmission(string AccountClientId, string TransmissionId, string Time, string Signature, string CertUrl, string AuthAlgo, string WebhookId, JsonNode Event);

/// <summary>
/// The PayPal emulator's state: REST apps by client id, the tokens handed out, and every webhook transmission sent.
/// Transmissions are signed with a key only the emulator holds (HMAC in place of PayPal's RSA certificate), so, as
/// with PayPal, only the emulator itself can say whether a delivery is genuine.
/// </summary>
internal sealed class PayPalSandbox(SandboxOptions options, WebhookQueue webhooks, TimeProvider clock) : ISandboxClockListener
{
    public const string AuthAlgo = "SHA256withRSA";

    // Pending captures settle by themselves in demo-ticker mode after this long (sandbox clock).
    private static readonly TimeSpan DemoPendingDelay = TimeSpan.FromSeconds(20);

    private readonly ConcurrentDictionary<string, PayPalAccount> _accounts = new();
    private readonly ConcurrentDictionary<string, (PayPalAccount Account, DateTimeOffset ExpiresAt)> _tokens = new();
    private readonly ConcurrentDictionary<string, PayPalAccount> _ownerOfOrder = new();
    private readonly ConcurrentDictionary<string, PayPalAccount> _ownerOfCapture = new();
    private readonly ConcurrentDictionary<string, PayPalAccount> _ownerOfDispute = new();
    private readonly ConcurrentDictionary<string, PayPalTransmission> _transmissions = new();
    private readonly byte[] _signingKey = RandomNumberGenerator.GetBytes(32);

    public TimeProvider Clock { get; } = clock;

    public SandboxOptions Options { get; } = options;

    public IEnumerable<PayPalAccount> Accounts => _accounts.Values;

    // Configured apps must bring their own secret; a "sandbox_…" client id opens an app bound to its first secret.
    public PayPalAccount? Authenticate(string clientId, string clientSecret)
    {
        var configured = Configured(clientId);
        PayPalAccount? account;
        if (configured is not null)
        {
            account = _accounts.GetOrAdd(clientId, _ => new PayPalAccount(clientId, configured.ClientSecret));
            account.ClientSecret = configured.ClientSecret;
        }
        else if (clientId.StartsWith("sandbox_", StringComparison.Ordinal))
        {
            account = _accounts.GetOrAdd(clientId, _ => new PayPalAccount(clientId, clientSecret));
        }
        else
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(account.ClientSecret), Encoding.UTF8.GetBytes(clientSecret)) ? account : null;
    }

    public PayPalAccount? AccountFor(string clientId) => _accounts.GetValueOrDefault(clientId);

    public string IssueToken(PayPalAccount account)
    {
        var token = "A21AA" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(36)).Replace('+', '-').Replace('/', '_');
        _tokens[token] = (account, Clock.GetUtcNow() + Options.PayPal.TokenLifetime);
        lock (account.Gate)
        {
            account.TokensIssued++;
        }

        return token;
    }

    public PayPalAccount? AccountForToken(string token) =>
        _tokens.TryGetValue(token, out var entry) && entry.ExpiresAt > Clock.GetUtcNow() ? entry.Account : null;

    public void ForgetTokens(PayPalAccount account)
    {
        foreach (var (token, entry) in _tokens)
        {
            if (entry.Account == account)
            {
                _tokens.TryRemove(token, out _);
            }
        }
    }

    public PayPalAccount? OwnerOfOrder(string orderId) => _ownerOfOrder.GetValueOrDefault(orderId);

    public PayPalAccount? OwnerOfCapture(string captureId) => _ownerOfCapture.GetValueOrDefault(captureId);

    public void RegisterOrder(PpOrder order, PayPalAccount account) => _ownerOfOrder[order.Id] = account;

    public void RegisterCapture(PpCapture capture, PayPalAccount account) => _ownerOfCapture[capture.Id] = account;

    public PayPalAccount? OwnerOfDispute(string disputeId) => _ownerOfDispute.GetValueOrDefault(disputeId);

    public void RegisterDispute(PpDispute dispute, PayPalAccount account) => _ownerOfDispute[dispute.Id] = account;

    public PayPalTransmission? Transmission(string transmissionId) => _transmissions.GetValueOrDefault(transmissionId);

    public (string Url, string WebhookId)? WebhookOf(PayPalAccount account) =>
        Configured(account.ClientId) is { WebhookUrl: { } url, WebhookId: { } id } ? (url, id) : null;

    // The hosting app may register apps while requests run (PayPalSandboxSetup locks the same list).
    private PayPalSandboxAccount? Configured(string clientId)
    {
        lock (Options.PayPal.Accounts)
        {
            return Options.PayPal.Accounts.LastOrDefault(a => a.ClientId == clientId);
        }
    }

    // One event, one delivery, as PayPal sends them.
    public void Emit(PayPalAccount account, string eventType, string resourceType, string summary, JsonObject resource, string baseUrl)
    {
        if (WebhookOf(account) is not { } webhook || !Uri.TryCreate(webhook.Url, UriKind.Absolute, out var target))
        {
            return;
        }

        var now = Clock.GetUtcNow();
        var eventId = $"WH-{SandboxIds.PayPal()}-{SandboxIds.PayPal()}";
        var body = new JsonObject
        {
            ["id"] = eventId,
            ["event_version"] = "1.0",
            ["create_time"] = PayPalShapes.Time(now),
            ["resource_type"] = resourceType,
            ["resource_version"] = "2.0",
            ["event_type"] = eventType,
            ["summary"] = summary,
            ["resource"] = resource,
            ["links"] = new JsonArray
            {
                PayPalShapes.Link($"{baseUrl}/sandbox/paypal/v1/notifications/webhooks-events/{eventId}", "self", "GET"),
                PayPalShapes.Link($"{baseUrl}/sandbox/paypal/v1/notifications/webhooks-events/{eventId}/resend", "resend", "POST"),
            },
        }.ToJsonString();
        account.Events.Add((now, JsonNode.Parse(body)!));

        var transmissionId = Guid.NewGuid().ToString();
        var time = PayPalShapes.Time(now);
        var certUrl = $"{baseUrl}/sandbox/paypal/v1/notifications/certs/CERT-sandbox-{Convert.ToHexStringLower(SHA256.HashData(_signingKey))[..16]}";
        var signature = Sign(transmissionId, time, webhook.WebhookId, body);
        _transmissions[transmissionId] = new PayPalTransmission(account.ClientId, transmissionId, time, signature, certUrl, AuthAlgo, webhook.WebhookId, JsonNode.Parse(body)!);

        // The same transmission on every attempt: PayPal's retries resend the message it signed.
        KeyValuePair<string, string>[] headers =
        [
            new("PAYPAL-TRANSMISSION-ID", transmissionId),
            new("PAYPAL-TRANSMISSION-TIME", time),
            new("PAYPAL-TRANSMISSION-SIG", signature),
            new("PAYPAL-CERT-URL", certUrl),
            new("PAYPAL-AUTH-ALGO", AuthAlgo),
            new("User-Agent", "PayPal/AUHD-214.0-58843289"),
        ];
        webhooks.Enqueue(new WebhookDelivery(
            WebhookQueue.NewDeliveryId(), SandboxProvider.PayPal, account.AppId, target, body, [eventId], [eventType], _ => headers, isDuplicate: false));
    }

    // PayPal signs "transmission_id|transmission_time|webhook_id|crc32(body)"; the emulator does the same with its key.
    private string Sign(string transmissionId, string time, string webhookId, string body)
    {
        var message = $"{transmissionId}|{time}|{webhookId}|{Crc32(Encoding.UTF8.GetBytes(body))}";
        return Convert.ToBase64String(HMACSHA256.HashData(_signingKey, Encoding.UTF8.GetBytes(message)));
    }

    public void OnTick(DateTimeOffset now)
    {
        if (!Options.DemoTicker)
        {
            return;
        }

        foreach (var account in _accounts.Values)
        {
            lock (account.Gate)
            {
                foreach (var capture in account.Captures.Values.Where(c => c.Status == "PENDING" && c.CreateTime + DemoPendingDelay <= now).ToList())
                {
                    PayPalLifecycle.CompletePending(this, account, capture, now, account.BaseUrl);
                }
            }
        }
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
