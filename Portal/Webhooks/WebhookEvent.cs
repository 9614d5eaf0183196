using Portal.Domain;
using Portal.Domain.Payments;

namespace Portal.Webhooks;

public enum WebhookEventStatus
{
    /// <summary>Stored and waiting for its (next) attempt.</summary>
    Pending,
    /// <summary>Claimed by a processor; its effects and its new status commit together.</summary>
    Processing,
    Applied,
    /// <summary>Nothing to do: a type Portal does not handle, or an object that is not ours.</summary>
    Ignored,
    /// <summary>Failed too often: waits for an admin to look and retry.</summary>
    Parked,
}

/// <summary>
/// One provider event as received, in the inbox. The raw body is kept so an event can be applied again after a fix;
/// the unique (provider, firm, event id) makes a redelivered event a no-op.
/// </summary>
public sealed class WebhookEvent : ITenantOwned
{
    public const int MaxErrorLength = 2000;
    public const int MaxObjectKeyLength = 255;

    private WebhookEvent() { }

    public WebhookEvent(PaymentProvider provider, string providerEventId, Guid firmId, string type, string body, DateTimeOffset receivedAt, string? objectKey = null)
    {
        if (objectKey is { Length: > MaxObjectKeyLength })
            throw new DomainException($"An event's object key is at most {MaxObjectKeyLength} characters.");
        Id = Guid.CreateVersion7();
        Provider = provider;
        ProviderEventId = providerEventId;
        FirmId = firmId;
        Type = type;
        Body = body;
        ReceivedAt = receivedAt;
        NextAttemptAt = receivedAt;
        Status = WebhookEventStatus.Pending;
        ObjectKey = objectKey;
    }

    public Guid Id { get; private set; }
    public PaymentProvider Provider { get; private set; }
    public string ProviderEventId { get; private set; } = "";
    public Guid FirmId { get; private set; }
    public string Type { get; private set; } = "";
    public string Body { get; private set; } = "";
    public DateTimeOffset ReceivedAt { get; private set; }
    public WebhookEventStatus Status { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    public DateTimeOffset? ProcessedAt { get; private set; }
    /// <summary>Where a claim is a committed Processing status (SQLite), another processor may take the event over after this time.</summary>
    public DateTimeOffset? ClaimExpiresAt { get; private set; }
    public string? LastError { get; private set; }
    /// <summary>
    /// The provider object the event is about (see <see cref="WebhookObjectKey"/>): the firm's events with the same key
    /// are applied one at a time, in the order they arrived. Null: an event with no such order to keep.
    /// </summary>
    public string? ObjectKey { get; private set; }

    public void Complete(WebhookOutcome outcome, DateTimeOffset now)
    {
        Attempts++;
        Status = outcome switch
        {
            WebhookOutcome.Applied => WebhookEventStatus.Applied,
            WebhookOutcome.Ignored => WebhookEventStatus.Ignored,
        };
        ProcessedAt = now;
        LastError = null;
        ClaimExpiresAt = null;
    }

    /// <summary>Counts a failed attempt: try again after <paramref name="delay"/>, or park once attempts reach <paramref name="maxAttempts"/>.</summary>
    public void Fail(string error, int maxAttempts, TimeSpan delay, DateTimeOffset now)
    {
        Attempts++;
        LastError = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
        Status = Attempts >= maxAttempts ? WebhookEventStatus.Parked : WebhookEventStatus.Pending;
        NextAttemptAt = now + delay;
        ClaimExpiresAt = null;
    }

    /// <summary>An admin's "try again" on a parked event. It gets one more attempt before it parks again.</summary>
    public void Retry(DateTimeOffset now)
    {
        if (Status != WebhookEventStatus.Parked)
            throw new DomainException("Only a parked event can be retried.");
        Status = WebhookEventStatus.Pending;
        NextAttemptAt = now;
    }
}

public enum WebhookOutcome { Applied, Ignored }
