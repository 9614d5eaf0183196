using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Portal.GoCardless;

// A verified webhook delivery: up to 250 events, possibly unrelated to each other and out of order.
public sealed record GoCardlessWebhook(IReadOnlyList<GoCardlessEvent> Events, string? WebhookId);

public abstract record GoCardlessWebhookCheck
{
    private GoCardlessWebhookCheck()
    {
    }

    public sealed record Verified(GoCardlessWebhook Webhook) : GoCardlessWebhookCheck;

    // GoCardless asks for 498 Token Invalid on a bad signature; 400 is for a signed body that is not a webhook.
    // Either way GoCardless retries the delivery, as it does any non-2xx answer.
    public sealed record Refused(int StatusCode, string Reason) : GoCardlessWebhookCheck;
}

// Checks the Webhook-Signature header: lowercase hex HMAC-SHA256 of the raw request body, keyed with the webhook
// endpoint's secret. The raw bytes must be used as received: re-serialized JSON would not match.
public sealed class GoCardlessWebhookVerifier(string endpointSecret)
{
    public const int InvalidTokenStatus = 498;

    private readonly byte[] _key = Encoding.UTF8.GetBytes(endpointSecret);

    public GoCardlessWebhookCheck Verify(ReadOnlySpan<byte> rawBody, string? signatureHeader)
    {
        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            return new GoCardlessWebhookCheck.Refused(InvalidTokenStatus, "The Webhook-Signature header is missing.");
        }

        var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(_key, rawBody)));
        var given = Encoding.ASCII.GetBytes(signatureHeader.Trim());

        // Constant time, so the comparison does not reveal how much of a forged signature is right.
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return new GoCardlessWebhookCheck.Refused(InvalidTokenStatus, "The Webhook-Signature does not match the body.");
        }

        try
        {
            var body = JsonSerializer.Deserialize<WireWebhook>(rawBody, GoCardlessJson.Options);
            return body?.Events is { } events
                ? new GoCardlessWebhookCheck.Verified(new GoCardlessWebhook(events, body.Meta?.WebhookId))
                : new GoCardlessWebhookCheck.Refused(400, "The body has no \"events\" list.");
        }
        catch (JsonException)
        {
            return new GoCardlessWebhookCheck.Refused(400, "The body is not valid JSON.");
        }
    }

    public GoCardlessWebhookCheck Verify(string rawBody, string? signatureHeader) => Verify(Encoding.UTF8.GetBytes(rawBody), signatureHeader);

    private sealed record WireWebhook(List<GoCardlessEvent>? Events, WireMeta? Meta);

    private sealed record WireMeta(string? WebhookId);
}
