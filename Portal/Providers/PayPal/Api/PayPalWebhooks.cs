using System.Text.Json;

namespace Portal.Providers.PayPal.Api;

/// <summary>
/// The five transmission headers PayPal sends with a webhook delivery. PayPal signs the transmission id, time,
/// webhook id and a CRC32 of the body with its own key; asking PayPal (verify-webhook-signature) keeps the
/// certificate handling on PayPal's side.
/// </summary>
public sealed record PayPalWebhookTransmission(string TransmissionId, string TransmissionTime, string TransmissionSig, string CertUrl, string AuthAlgo)
{
    public const string IdHeader = "PAYPAL-TRANSMISSION-ID";
    public const string TimeHeader = "PAYPAL-TRANSMISSION-TIME";
    public const string SigHeader = "PAYPAL-TRANSMISSION-SIG";
    public const string CertUrlHeader = "PAYPAL-CERT-URL";
    public const string AuthAlgoHeader = "PAYPAL-AUTH-ALGO";

    /// <summary>The headers of a delivery, or null when one is missing (then it is not from PayPal).</summary>
    public static PayPalWebhookTransmission? FromHeaders(Func<string, string?> header) =>
        header(IdHeader) is { Length: > 0 } id && header(TimeHeader) is { Length: > 0 } time && header(SigHeader) is { Length: > 0 } sig
        && header(CertUrlHeader) is { Length: > 0 } cert && header(AuthAlgoHeader) is { Length: > 0 } algo
            ? new PayPalWebhookTransmission(id, time, sig, cert, algo)
            : null;
}

public enum PayPalVerificationStatus
{
    Unknown,
    Success,
    Failure,
}

/// <summary>One event as PayPal lists it: the same JSON a webhook delivery carries, kept whole to be stored as received.</summary>
public sealed record PayPalListedEvent(string Id, string EventType, string Body);

// A page of GET /v1/notifications/webhooks-events: the events, newest first, and a "next" link while more remain.
internal sealed record PayPalEventPage
{
    public IReadOnlyList<JsonElement> Events { get; init; } = [];
    public IReadOnlyList<PayPalLink> Links { get; init; } = [];
}
