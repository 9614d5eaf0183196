namespace Portal.Domain.OutgoingWebhooks;

/// <summary>
/// A firm's URL that hears of the events it chose. The signing secret is stored encrypted (the app holds the key);
/// it is shown to the owner once, when the endpoint is made. An endpoint that failed for the whole retry window is
/// disabled with its reason, and stays so until the owner enables it again.
/// </summary>
public sealed class WebhookEndpoint : ITenantOwned
{
    public const int MaxUrlLength = 2000;
    public const int MaxDescriptionLength = 200;

    private WebhookEndpoint() { }

    public WebhookEndpoint(Guid firmId, Uri url, string? description, IEnumerable<string> eventTypes, string protectedSecret, string secretMask, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        Url = url.AbsoluteUri;
        if (Url.Length > MaxUrlLength)
            throw new DomainException($"A webhook URL has at most {MaxUrlLength} characters.");
        Description = Describe(description);
        EventTypes = Subscribe(eventTypes);
        ProtectedSecret = protectedSecret;
        SecretMask = secretMask;
        CreatedAt = createdAt;
        Enabled = true;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public string Url { get; private set; } = "";
    public string? Description { get; private set; }
    /// <summary>The event types it wants, comma-separated (<c>invoice.paid,payment.succeeded</c>).</summary>
    public string EventTypes { get; private set; } = "";
    public string ProtectedSecret { get; private set; } = "";
    /// <summary>The secret's start and last four characters, to recognise it.</summary>
    public string SecretMask { get; private set; } = "";
    public bool Enabled { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? DisabledAt { get; private set; }
    /// <summary>Why the endpoint was disabled by Portal; null when the owner disabled it or it is enabled.</summary>
    public string? DisabledReason { get; private set; }
    /// <summary>The last time a delivery went through (any 2xx).</summary>
    public DateTimeOffset? LastSucceededAt { get; private set; }

    public IReadOnlyList<string> Types => EventTypes.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public bool Wants(string type) => Types.Contains(type, StringComparer.Ordinal);

    public void Disable(DateTimeOffset now)
    {
        if (!Enabled)
            throw new DomainException("This endpoint is already disabled.");
        Enabled = false;
        DisabledAt = now;
        DisabledReason = null;
    }

    public void Enable()
    {
        if (Enabled)
            throw new DomainException("This endpoint is already enabled.");
        Enabled = true;
        DisabledAt = null;
        DisabledReason = null;
    }

    public void Succeeded(DateTimeOffset at)
    {
        if (LastSucceededAt is null || at > LastSucceededAt)
            LastSucceededAt = at;
    }

    /// <summary>
    /// A delivery of an event raised at <paramref name="eventCreatedAt"/> was given up after the whole retry window.
    /// If nothing went through since that event, the endpoint has failed for the whole window: it is disabled, and
    /// true says the owner must be told. An endpoint that answered another delivery meanwhile is only flaky: kept.
    /// </summary>
    public bool GaveUpOn(DateTimeOffset eventCreatedAt, DateTimeOffset now, string reason)
    {
        if (!Enabled || LastSucceededAt is { } succeeded && succeeded >= eventCreatedAt)
            return false;
        Enabled = false;
        DisabledAt = now;
        DisabledReason = reason.Length > 300 ? reason[..300] : reason;
        return true;
    }

    private static string? Describe(string? description)
    {
        description = description?.Trim();
        if (description is { Length: > MaxDescriptionLength })
            throw new DomainException($"A description has at most {MaxDescriptionLength} characters.");
        return string.IsNullOrEmpty(description) ? null : description;
    }

    private static string Subscribe(IEnumerable<string> eventTypes)
    {
        var types = eventTypes.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (types.Count == 0)
            throw new DomainException("Choose at least one event for the endpoint to receive.");
        if (types.FirstOrDefault(t => !OutgoingEventTypes.IsKnown(t)) is { } unknown)
            throw new DomainException($"'{unknown}' is not an event Portal sends.");
        return string.Join(',', OutgoingEventTypes.All.Where(types.Contains));
    }
}
