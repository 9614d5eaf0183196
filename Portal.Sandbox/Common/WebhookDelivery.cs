namespace Portal.Sandbox.Common;

public enum WebhookDeliveryMode
{
    Normal,
    Duplicate,
    OutOfOrder,

    // Never sent, as when the provider's delivery fails for good: only listing the provider's events finds them.
    Lost,
}

public enum WebhookDeliveryState
{
    Held,
    Queued,
    Sending,
    AwaitingRetry,
    Delivered,
    GaveUp,
}

public sealed record WebhookAttempt(int Number, DateTimeOffset At, int? StatusCode, string? Error);

// One POST of one body to one URL, with every attempt recorded.
public sealed class WebhookDelivery(
    string id,
    SandboxProvider provider,
    string accountId,
    Uri url,
    string body,
    IReadOnlyList<string> eventIds,
    IReadOnlyList<string> eventTypes,
    Func<DateTimeOffset, IReadOnlyList<KeyValuePair<string, string>>> headersAt,
    bool isDuplicate)
{
    private readonly List<WebhookAttempt> _attempts = [];

    public string Id { get; } = id;

    public SandboxProvider Provider { get; } = provider;

    // A non-secret account id (acct_…, CR…), never the key or token.
    public string AccountId { get; } = accountId;

    public Uri Url { get; } = url;

    public string Body { get; } = body;

    public IReadOnlyList<string> EventIds { get; } = eventIds;

    public IReadOnlyList<string> EventTypes { get; } = eventTypes;

    public bool IsDuplicate { get; } = isDuplicate;

    public WebhookDeliveryState State { get; internal set; } = WebhookDeliveryState.Queued;

    public DateTimeOffset DueAt { get; internal set; }

    public long Sequence { get; internal set; }

    public IReadOnlyList<WebhookAttempt> Attempts => _attempts;

    public bool IsSettled => State is WebhookDeliveryState.Delivered or WebhookDeliveryState.GaveUp;

    // Signatures are computed per attempt: Stripe's signed timestamp must be fresh on every retry.
    internal IReadOnlyList<KeyValuePair<string, string>> HeadersAt(DateTimeOffset now) => headersAt(now);

    internal void Record(WebhookAttempt attempt) => _attempts.Add(attempt);

    internal WebhookDelivery CloneAsDuplicate(string newId) =>
        new(newId, Provider, AccountId, Url, Body, EventIds, EventTypes, headersAt, isDuplicate: true);
}
