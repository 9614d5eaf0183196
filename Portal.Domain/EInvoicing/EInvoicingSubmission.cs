namespace Portal.Domain.EInvoicing;

/// <summary>Where a document stands with the firm's approved platform.</summary>
public enum SubmissionState
{
    /// <summary>Added with the issue; not sent yet (or sending failed for a reason that may pass).</summary>
    Queued,
    /// <summary>The platform holds the flow; its acknowledgement is awaited.</summary>
    Submitted,
    /// <summary>Acknowledged Ok: the lifecycle statuses are followed.</summary>
    Accepted,
    /// <summary>The lifecycle reached an end: approved (205), refused (210) or rejected (213).</summary>
    Closed,
    /// <summary>Acknowledged Error: the platform could not take the document (the reason says why).</summary>
    AcknowledgedError,
    /// <summary>The directory says the buyer cannot receive e-invoices: nothing was sent.</summary>
    BuyerUnreachable,
    /// <summary>The platform refused the request itself, or the document could not be read: nothing was sent.</summary>
    Failed,
}

public enum SubmittedDocumentKind { Invoice, CreditNote }

/// <summary>One lifecycle status the platform reported: 200 Déposée … 213 Rejetée, with its time and reason.</summary>
public sealed class EInvoicingStatus
{
    private EInvoicingStatus() { }

    internal EInvoicingStatus(Guid submissionId, int code, DateTimeOffset at, string? reason)
    {
        Id = Guid.CreateVersion7();
        SubmissionId = submissionId;
        Code = code;
        At = ToMilliseconds(at);
        Reason = reason is { Length: > 1000 } ? reason[..1000] : reason;
    }

    public Guid Id { get; private set; }
    public Guid SubmissionId { get; private set; }
    public int Code { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string? Reason { get; private set; }

    /// <summary>
    /// Databases keep less than a tick (PostgreSQL microseconds, the SQLite converter 100 µs) and platforms send ticks:
    /// kept to the millisecond, a status read back compares equal to itself sent again.
    /// </summary>
    internal static DateTimeOffset ToMilliseconds(DateTimeOffset at) => at.AddTicks(-(at.Ticks % TimeSpan.TicksPerMillisecond));

    /// <summary>Rejected by a platform (213) or refused by the buyer (210): the invoice counts as not issued.</summary>
    public bool IsRefusal => Code is 210 or 213;
}

/// <summary>
/// The sending of one issued document (an invoice or a numbered credit note) to the firm's approved platform. Added in
/// the same transaction as the issue, one per document (the document id is unique, and is the platform's trackingId),
/// so neither a retry, a restart nor a second instance can send a document twice. Every move is a method that refuses
/// one out of order.
/// </summary>
public sealed class EInvoicingSubmission : ITenantOwned
{
    /// <summary>Statuses after which nothing more is awaited from the platform.</summary>
    public static readonly IReadOnlySet<int> EndStatuses = new HashSet<int> { 205, 210, 213 };

    private readonly List<EInvoicingStatus> _statuses = [];

    private EInvoicingSubmission() { }

    public EInvoicingSubmission(Guid firmId, SubmittedDocumentKind kind, Guid documentId, Guid invoiceId, string documentNumber, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        Kind = kind;
        DocumentId = documentId;
        InvoiceId = invoiceId;
        DocumentNumber = documentNumber;
        CreatedAt = now;
        NextAttemptAt = now;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public SubmittedDocumentKind Kind { get; private set; }
    /// <summary>The invoice's or credit note's id: the trackingId the platform keys the flow on.</summary>
    public Guid DocumentId { get; private set; }
    /// <summary>The invoice the document belongs to (a credit note's corrected invoice), for the invoice page.</summary>
    public Guid InvoiceId { get; private set; }
    public string DocumentNumber { get; private set; } = "";
    public SubmissionState State { get; private set; }
    public string? FlowId { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    /// <summary>Held by one dispatcher until then; a dispatcher that stopped lets it lapse.</summary>
    public DateTimeOffset? LeaseUntil { get; private set; }
    public DateTimeOffset? SubmittedAt { get; private set; }
    public DateTimeOffset? AcknowledgedAt { get; private set; }
    /// <summary>Why the platform or the directory said no, or the last transient failure.</summary>
    public string? Problem { get; private set; }
    public IReadOnlyCollection<EInvoicingStatus> Statuses => _statuses;

    public bool IsFollowed => State is SubmissionState.Queued or SubmissionState.Submitted or SubmissionState.Accepted;

    public void MarkBuyerUnreachable(string siren, DateTimeOffset now)
    {
        Require(SubmissionState.Queued, "record an unreachable buyer");
        State = SubmissionState.BuyerUnreachable;
        Problem = $"The directory lists no platform able to receive for SIREN {siren}.";
        Settle(now);
    }

    public void MarkSubmitted(string flowId, DateTimeOffset submittedAt, DateTimeOffset now)
    {
        Require(SubmissionState.Queued, "submit");
        ArgumentException.ThrowIfNullOrWhiteSpace(flowId);
        State = SubmissionState.Submitted;
        FlowId = flowId;
        SubmittedAt = submittedAt;
        Problem = null;
        Attempts = 0;
        NextAttemptAt = now;
    }

    public void Acknowledge(bool ok, string? reason, DateTimeOffset now)
    {
        Require(SubmissionState.Submitted, "record the acknowledgement");
        AcknowledgedAt = now;
        State = ok ? SubmissionState.Accepted : SubmissionState.AcknowledgedError;
        Problem = ok ? null : reason ?? "The platform acknowledged the flow with an error.";
        Attempts = 0;
        NextAttemptAt = now;
    }

    /// <summary>Adds a status not seen before (same code, same time); an end status closes the submission. True when new.</summary>
    public bool RecordStatus(int code, DateTimeOffset at, string? reason)
    {
        if (State is not (SubmissionState.Accepted or SubmissionState.Closed))
            throw new DomainException($"A lifecycle status arrives only for an accepted flow; this one is {State}.");
        if (_statuses.Any(s => s.Code == code && s.At == EInvoicingStatus.ToMilliseconds(at)))
            return false;
        _statuses.Add(new EInvoicingStatus(Id, code, at, reason));
        if (EndStatuses.Contains(code))
            State = SubmissionState.Closed;
        return true;
    }

    /// <summary>Nothing decided yet (no answer, a platform busy, an acknowledgement pending): look again at <paramref name="nextAt"/>.</summary>
    public void TryAgainAt(DateTimeOffset nextAt, string? problem)
    {
        if (!IsFollowed)
            throw new DomainException($"A {State} submission is no longer followed.");
        Attempts++;
        Problem = problem;
        NextAttemptAt = nextAt;
        LeaseUntil = null;
    }

    /// <summary>A look planned, not a failure: the next acknowledgement or lifecycle poll.</summary>
    public void LookAgainAt(DateTimeOffset nextAt)
    {
        if (!IsFollowed)
            throw new DomainException($"A {State} submission is no longer followed.");
        NextAttemptAt = nextAt;
        LeaseUntil = null;
    }

    public void Fail(string problem, DateTimeOffset now)
    {
        Require(SubmissionState.Queued, "record a refusal");
        State = SubmissionState.Failed;
        Problem = problem;
        Settle(now);
    }

    public void Release() => LeaseUntil = null;

    private void Settle(DateTimeOffset now)
    {
        NextAttemptAt = now;
        LeaseUntil = null;
    }

    private void Require(SubmissionState expected, string action)
    {
        if (State != expected)
            throw new DomainException($"Cannot {action}: the submission of {DocumentNumber} is {State}, not {expected}.");
    }
}
