using Portal.Domain;

namespace Portal.DirectDebit;

/// <summary>Where a mandate stands, as GoCardless reports it. Only Active and the states before it can be charged.</summary>
public enum MandateStatus { PendingCustomerApproval, PendingSubmission, Submitted, Active, SuspendedByPayer, Failed, Cancelled, Expired, Consumed, Blocked, Unknown }

/// <summary>
/// A client's direct-debit mandate at GoCardless. Portal keeps only what lets the client recognise the account (bank
/// name, last digits) and what collection needs; the bank details themselves stay at GoCardless. One usable mandate
/// per client and currency: a newer one replaces the older.
/// </summary>
public sealed class DirectDebitMandate : IClientOwned
{
    public const int MaxIdLength = 64;
    public const int MaxReferenceLength = 140;

    private DirectDebitMandate() { }

    public DirectDebitMandate(Guid firmId, Guid clientAccountId, string mandateId, string customerId, string scheme, Currency currency, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        ClientAccountId = clientAccountId;
        MandateId = mandateId;
        CustomerId = customerId;
        Scheme = scheme;
        Currency = currency;
        CreatedAt = UpdatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    public string MandateId { get; private set; } = "";
    public string CustomerId { get; private set; } = "";
    public string Scheme { get; private set; } = "";
    public Currency Currency { get; private set; }
    public MandateStatus Status { get; private set; } = MandateStatus.PendingSubmission;
    public string? BankName { get; private set; }
    public string? AccountNumberEnding { get; private set; }
    /// <summary>The mandate's reference at GoCardless, which the payer sees on bank statements.</summary>
    public string? Reference { get; private set; }
    public DateOnly? NextPossibleChargeDate { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    /// <summary>When it stopped being usable (cancelled, failed, expired…), as Portal learnt it.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>GoCardless accepts payments on a mandate still being set up; it refuses them once it has ended.</summary>
    public bool IsUsable => UsableStatuses.Contains(Status);

    /// <summary>The states <see cref="IsUsable"/> accepts, for queries.</summary>
    public static readonly MandateStatus[] UsableStatuses = [MandateStatus.PendingCustomerApproval, MandateStatus.PendingSubmission, MandateStatus.Submitted, MandateStatus.Active];

    public void Describe(string? bankName, string? accountNumberEnding, string? reference = null)
    {
        BankName = bankName;
        Reference = reference is { Length: > MaxReferenceLength } ? reference[..MaxReferenceLength] : reference;
        // Never more than the last digits, whatever the provider sends.
        AccountNumberEnding = accountNumberEnding is { Length: > 4 } ending ? ending[^4..] : accountNumberEnding;
    }

    public void Update(MandateStatus status, DateOnly? nextPossibleChargeDate, DateTimeOffset now)
    {
        // An ended mandate stays ended: a late "active" or "submitted" delivered out of order must not revive it.
        if (!IsUsable && status is not (MandateStatus.Failed or MandateStatus.Cancelled or MandateStatus.Expired or MandateStatus.Blocked or MandateStatus.Consumed))
            return;
        Status = status;
        if (!IsUsable)
            EndedAt ??= now;
        NextPossibleChargeDate = IsUsable ? nextPossibleChargeDate ?? NextPossibleChargeDate : null;
        UpdatedAt = now;
    }
}
