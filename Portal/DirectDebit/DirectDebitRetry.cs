using Portal.Domain;
using Portal.Domain.Payments;

namespace Portal.DirectDebit;

public enum DirectDebitRetryStatus
{
    /// <summary>Waiting for its day.</summary>
    Planned,
    /// <summary>
    /// Claimed by one instance on its day; its collection is sent to GoCardless and linked as
    /// <see cref="DirectDebitRetry.RetryPaymentId"/>. Without that link after a crash, the next sweep sends it (its
    /// request key makes that once).
    /// </summary>
    Requested,
    /// <summary>Not made: see <see cref="DirectDebitRetry.CancelledBecause"/>.</summary>
    Cancelled,
}

public enum RetryCancellation
{
    None,
    /// <summary>The invoice was paid, credited or voided before the retry's day.</summary>
    NothingLeftToCollect,
    /// <summary>The client (or staff) paid or started paying the invoice another way; their choice wins.</summary>
    PaidAnotherWay,
    /// <summary>By the retry's day the client had no usable mandate in the invoice's currency.</summary>
    NoUsableMandate,
    /// <summary>The firm stopped collecting automatically or stopped offering direct debit.</summary>
    AutomaticCollectionOff,
    /// <summary>GoCardless refused the new collection (the reason is in the log and the audit of the payment).</summary>
    CollectionRefused,
    /// <summary>The client turned automatic payment off, or chose their saved card to pay automatically.</summary>
    ClientChoseOtherwise,
}

/// <summary>
/// One planned retry of an invoice's failed automatic direct debit (see <see cref="DirectDebitRetryPolicy"/>). Each
/// retry is a collection of its own, a new payment keyed by the invoice and the try, so the failed payment keeps its
/// history and a retry that fails is planned again from its own failure. At most one per failed payment (unique), so
/// a redelivered failure event or a second instance plans it once.
/// </summary>
public sealed class DirectDebitRetry : IClientOwned
{
    private DirectDebitRetry() { }

    public DirectDebitRetry(Guid firmId, Guid clientAccountId, Guid invoiceId, Guid failedPaymentId, int attempt, string? failureCause, DateOnly plannedFor, DateTimeOffset plannedAt)
    {
        if (attempt < 1)
            throw new ArgumentOutOfRangeException(nameof(attempt), "Retries are counted from 1.");
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        ClientAccountId = clientAccountId;
        InvoiceId = invoiceId;
        FailedPaymentId = failedPaymentId;
        Attempt = attempt;
        FailureCause = failureCause is { Length: > 100 } ? failureCause[..100] : failureCause;
        PlannedFor = plannedFor;
        PlannedAt = plannedAt;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    public Guid InvoiceId { get; private set; }
    /// <summary>The collection whose failure this retry answers.</summary>
    public Guid FailedPaymentId { get; private set; }
    /// <summary>1 for the first retry of the invoice's automatic collection, 2 for the next…</summary>
    public int Attempt { get; private set; }
    /// <summary>GoCardless's cause of the failure (insufficient_funds, refer_to_payer).</summary>
    public string? FailureCause { get; private set; }
    public DateOnly PlannedFor { get; private set; }
    public DateTimeOffset PlannedAt { get; private set; }
    public DirectDebitRetryStatus Status { get; private set; }
    public RetryCancellation CancelledBecause { get; private set; }
    public Guid? RetryPaymentId { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    /// <summary>Two instances sweeping at once: the second to claim or cancel the same retry fails and skips it.</summary>
    public Guid Version { get; private set; } = Guid.NewGuid();

    /// <summary>The request key of the retry's collection: the same for every instance that makes it.</summary>
    public string RequestKey => $"{DirectDebitAutoCollection.RequestKey(InvoiceId)}:retry{Attempt}";

    /// <summary>This instance makes the retry now; another one claiming it at the same time fails to save.</summary>
    public void Claim(DateTimeOffset at)
    {
        if (Status != DirectDebitRetryStatus.Planned)
            throw new InvalidOperationException("This retry is no longer planned.");
        (Status, ClosedAt, Version) = (DirectDebitRetryStatus.Requested, at, Guid.NewGuid());
    }

    public void Made(Guid paymentId)
    {
        if (Status != DirectDebitRetryStatus.Requested)
            throw new InvalidOperationException("This retry is no longer planned.");
        (RetryPaymentId, Version) = (paymentId, Guid.NewGuid());
    }

    /// <summary>Ends a retry that has not sent a collection; one that has is the collection's to finish.</summary>
    public void Cancel(RetryCancellation because, DateTimeOffset at)
    {
        if (Status == DirectDebitRetryStatus.Cancelled || RetryPaymentId is not null)
            return;
        (Status, CancelledBecause, ClosedAt, Version) = (DirectDebitRetryStatus.Cancelled, because, at, Guid.NewGuid());
    }
}
