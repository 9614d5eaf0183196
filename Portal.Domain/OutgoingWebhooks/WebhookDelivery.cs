namespace Portal.Domain.OutgoingWebhooks;

public enum WebhookDeliveryStatus { Pending, Sending, Succeeded, Failed }

/// <summary>
/// One event for one endpoint: at most one row per pair (a unique index), so an endpoint never gets an event twice
/// from the dispatcher. A failed try waits longer each time (<see cref="BackOff"/>) until <see cref="RetryWindow"/>
/// after the event, then the delivery is Failed. A resend by the owner is one more try now, with the same event id.
/// </summary>
public sealed class WebhookDelivery : ITenantOwned
{
    public const int MaxResponseLength = 2048;
    public const int MaxErrorLength = 500;

    public static readonly TimeSpan RetryWindow = TimeSpan.FromDays(3);

    private static readonly TimeSpan[] Waits =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(12),
    ];

    private WebhookDelivery() { }

    public WebhookDelivery(OutgoingEvent outgoing, WebhookEndpoint endpoint, DateTimeOffset now)
    {
        if (outgoing.FirmId != endpoint.FirmId)
            throw new DomainException("An endpoint hears only of its own firm's events.");
        Id = Guid.CreateVersion7();
        FirmId = outgoing.FirmId;
        EventId = outgoing.Id;
        EndpointId = endpoint.Id;
        EventType = outgoing.Type;
        EventCreatedAt = outgoing.CreatedAt;
        CreatedAt = now;
        NextAttemptAt = now;
        Status = WebhookDeliveryStatus.Pending;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid EventId { get; private set; }
    public Guid EndpointId { get; private set; }
    public string EventType { get; private set; } = "";
    public DateTimeOffset EventCreatedAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public WebhookDeliveryStatus Status { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset? NextAttemptAt { get; private set; }
    /// <summary>While Sending: the sender that claimed it is presumed gone after then, and the delivery is due again.</summary>
    public DateTimeOffset? LeaseUntil { get; private set; }
    public DateTimeOffset? LastAttemptAt { get; private set; }
    public int? LastResponseCode { get; private set; }
    /// <summary>The first <see cref="MaxResponseLength"/> characters of the receiver's last answer.</summary>
    public string? LastResponseBody { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset? SucceededAt { get; private set; }

    public DateTimeOffset GiveUpAt => EventCreatedAt + RetryWindow;

    public void Succeed(DateTimeOffset at, int statusCode, string? responseBody)
    {
        Attempted(at, statusCode, responseBody, null);
        Status = WebhookDeliveryStatus.Succeeded;
        SucceededAt = at;
        NextAttemptAt = null;
    }

    /// <summary>A try that did not get a 2xx. Returns true when the delivery is given up (the retry window is over).</summary>
    public bool Fail(DateTimeOffset at, int? statusCode, string? responseBody, string error)
    {
        Attempted(at, statusCode, responseBody, error);
        if (at >= GiveUpAt)
        {
            Status = WebhookDeliveryStatus.Failed;
            NextAttemptAt = null;
            return true;
        }
        Status = WebhookDeliveryStatus.Pending;
        // The last try falls on the end of the window rather than after it.
        var next = at + BackOff(Attempts);
        NextAttemptAt = next < GiveUpAt ? next : GiveUpAt;
        return false;
    }

    /// <summary>The owner asks for one more try now, whatever happened before; the event id stays the same.</summary>
    public void Resend(DateTimeOffset now)
    {
        if (Status == WebhookDeliveryStatus.Sending)
            throw new DomainException("This delivery is being sent right now.");
        Status = WebhookDeliveryStatus.Pending;
        NextAttemptAt = now;
    }

    /// <summary>The wait after the given number of failed tries: 1 min, 5 min, 30 min, 2 h, 6 h, then every 12 h.</summary>
    public static TimeSpan BackOff(int attempts) => Waits[Math.Clamp(attempts - 1, 0, Waits.Length - 1)];

    private void Attempted(DateTimeOffset at, int? statusCode, string? responseBody, string? error)
    {
        Attempts++;
        LastAttemptAt = at;
        LeaseUntil = null;
        LastResponseCode = statusCode;
        LastResponseBody = responseBody is { Length: > MaxResponseLength } ? responseBody[..MaxResponseLength] : responseBody;
        LastError = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error;
    }
}
