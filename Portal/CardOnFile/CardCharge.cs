using Portal.Domain;

namespace Portal.CardOnFile;

public enum CardChargeStatus
{
    /// <summary>Waiting for its day.</summary>
    Planned,
    /// <summary>
    /// Claimed by one instance on its day and sent to Stripe (its payment is <see cref="CardCharge.PaymentId"/> once
    /// created). Left so by a crash, the next sweep sends it again under the same keys, which Stripe answers as before.
    /// </summary>
    Requested,
    /// <summary>Stripe took the money.</summary>
    Paid,
    /// <summary>The card was declined: see <see cref="CardCharge.DeclineCode"/> and whether a retry was planned.</summary>
    Declined,
    /// <summary>Not made: see <see cref="CardCharge.CancelledBecause"/>.</summary>
    Cancelled,
}

public enum CardChargeCancellation
{
    None,
    /// <summary>The invoice was paid, credited or voided before the charge's day.</summary>
    NothingLeftToCollect,
    /// <summary>The client (or staff) paid or started paying the invoice another way; their choice wins.</summary>
    PaidAnotherWay,
    /// <summary>The client removed the card, or saved another one, before the charge's day.</summary>
    CardRemoved,
    /// <summary>The firm stopped taking cards, or this invoice cannot be paid by card.</summary>
    CardPaymentOff,
    /// <summary>Stripe refused the charge for a reason that is not a decline (the reason is in the log).</summary>
    ChargeRefused,
    /// <summary>The client turned automatic payment off before the charge's day.</summary>
    ClientTurnedOff,
}

/// <summary>
/// One automatic charge of an invoice on the client's saved card: the first on its due date, then the retries the
/// <see cref="Portal.Domain.Payments.CardRetryPolicy"/> plans after a decline. Unique per invoice and try, so two
/// instances planning the same day plan one charge; each charge is a payment of its own keyed by the invoice and the
/// try (<see cref="RequestKey"/>), and Stripe's call is keyed by that payment, so it is charged once whatever crashes.
/// </summary>
public sealed class CardCharge : IClientOwned
{
    public const int MaxCodeLength = 60;

    private CardCharge() { }

    public CardCharge(Guid firmId, Guid clientAccountId, Guid invoiceId, Guid savedCardId, int attempt, DateOnly plannedFor, DateTimeOffset plannedAt)
    {
        if (attempt < 1)
            throw new ArgumentOutOfRangeException(nameof(attempt), "Tries are counted from 1.");
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        ClientAccountId = clientAccountId;
        InvoiceId = invoiceId;
        SavedCardId = savedCardId;
        Attempt = attempt;
        PlannedFor = plannedFor;
        PlannedAt = plannedAt;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    public Guid InvoiceId { get; private set; }
    public Guid SavedCardId { get; private set; }
    /// <summary>1 for the charge on the due date, 2 for its first retry…</summary>
    public int Attempt { get; private set; }
    public DateOnly PlannedFor { get; private set; }
    public DateTimeOffset PlannedAt { get; private set; }
    public CardChargeStatus Status { get; private set; }
    public CardChargeCancellation CancelledBecause { get; private set; }
    public Guid? PaymentId { get; private set; }
    /// <summary>Stripe's decline code when the card was declined (insufficient_funds, authentication_required…).</summary>
    public string? DeclineCode { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    /// <summary>Two instances sweeping at once: the second to claim or close the same charge fails and skips it.</summary>
    public Guid Version { get; private set; } = Guid.NewGuid();

    /// <summary>The request key of the charge's payment: the same for every instance that makes it.</summary>
    public string RequestKey => $"card:auto:{InvoiceId:N}:{Attempt}";

    public bool IsOpen => Status is CardChargeStatus.Planned or CardChargeStatus.Requested;

    /// <summary>This instance makes the charge now; another one claiming it at the same time fails to save.</summary>
    public void Claim()
    {
        if (Status != CardChargeStatus.Planned)
            throw new InvalidOperationException("This charge is no longer planned.");
        (Status, Version) = (CardChargeStatus.Requested, Guid.NewGuid());
    }

    public void Made(Guid paymentId)
    {
        if (Status != CardChargeStatus.Requested)
            throw new InvalidOperationException("This charge is not being made.");
        if (PaymentId == paymentId)
            return;
        (PaymentId, Version) = (paymentId, Guid.NewGuid());
    }

    public void Paid(DateTimeOffset at) => Close(CardChargeStatus.Paid, null, at);

    public void Declined(string? code, DateTimeOffset at) =>
        Close(CardChargeStatus.Declined, code is { Length: > MaxCodeLength } ? code[..MaxCodeLength] : code, at);

    /// <summary>Ends a charge that has not reached Stripe; one that has is its payment's to finish.</summary>
    public void Cancel(CardChargeCancellation because, DateTimeOffset at)
    {
        if (!IsOpen || PaymentId is not null)
            return;
        (Status, CancelledBecause, ClosedAt, Version) = (CardChargeStatus.Cancelled, because, at, Guid.NewGuid());
    }

    private void Close(CardChargeStatus status, string? code, DateTimeOffset at)
    {
        if (!IsOpen)
            return;
        (Status, DeclineCode, ClosedAt, Version) = (status, code, at, Guid.NewGuid());
    }
}
