namespace Portal.Domain.OutgoingWebhooks;

/// <summary>
/// Something that happened in a firm, written in the same transaction as the change that caused it. Its id is the
/// idempotency key a receiver uses: every delivery and every resend of it carries the same id. The payload is the
/// object as <c>/api/v1</c> shows it, taken when the change was saved.
/// </summary>
public sealed class OutgoingEvent : ITenantOwned
{
    public const int MaxTypeLength = 60;

    private OutgoingEvent() { }

    public OutgoingEvent(Guid firmId, string type, Guid subjectId, string payloadJson, DateTimeOffset createdAt)
    {
        if (!OutgoingEventTypes.IsKnown(type))
            throw new DomainException($"'{type}' is not an event Portal sends.");
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        Type = type;
        SubjectId = subjectId;
        PayloadJson = payloadJson;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public string Type { get; private set; } = "";
    /// <summary>The invoice, payment, client or wallet it is about.</summary>
    public Guid SubjectId { get; private set; }
    public string PayloadJson { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>When the dispatcher made its deliveries (one per endpoint subscribed then); null until it has.</summary>
    public DateTimeOffset? FannedOutAt { get; private set; }

    /// <summary>After this, a delivery that has not gone through is given up.</summary>
    public DateTimeOffset GiveUpAt => CreatedAt + WebhookDelivery.RetryWindow;

    public void FannedOut(DateTimeOffset at) => FannedOutAt ??= at;
}
