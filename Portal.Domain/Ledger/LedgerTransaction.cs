namespace Portal.Domain.Ledger;

public enum LedgerTransactionKind
{
    InvoiceIssued,
    InvoiceVoided,
    PaymentSucceeded,
    ProviderFee,
    Payout,
    ManualPayment,
    CreditApplied,
    RefundToPaymentMethod,
    RefundAsCredit,
    PaymentReversed,
    DisputeWon,
    WriteOff,
    /// <summary>A refund the card could not take came back; the client keeps it as credit.</summary>
    RefundFailed,
}

/// <summary>
/// One movement of money in the ledger: postings that sum to zero in every currency (invariant 1).
/// The idempotency key is unique per firm in storage, so a movement asked for twice is stored once; the
/// fingerprint says what was asked, so a key reused for a different request can be refused.
/// </summary>
public sealed class LedgerTransaction : ITenantOwned
{
    public const int MaxKeyLength = 200;

    private readonly List<Posting> _postings = [];

    private LedgerTransaction() { }

    private LedgerTransaction(Guid firmId, LedgerTransactionKind kind, DateTimeOffset occurredAt, string idempotencyKey, string fingerprint, string source, Guid? paymentId)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        Kind = kind;
        OccurredAt = occurredAt;
        IdempotencyKey = idempotencyKey;
        Fingerprint = fingerprint;
        Source = source;
        PaymentId = paymentId;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public LedgerTransactionKind Kind { get; private set; }
    public DateTimeOffset OccurredAt { get; private set; }
    public string IdempotencyKey { get; private set; } = "";
    public string Fingerprint { get; private set; } = "";
    /// <summary>Where it came from, for people: "Stripe event evt_…", "Refund by anna@firm.test".</summary>
    public string Source { get; private set; } = "";
    public Guid? PaymentId { get; private set; }
    public IReadOnlyList<Posting> Postings => _postings;

    /// <summary>Refuses a transaction without postings or one that does not balance in each of its currencies.</summary>
    public static LedgerTransaction Create(
        Guid firmId,
        LedgerTransactionKind kind,
        DateTimeOffset occurredAt,
        string idempotencyKey,
        string fingerprint,
        string source,
        IEnumerable<Posting> postings,
        Guid? paymentId = null)
    {
        if (firmId == Guid.Empty)
            throw new ArgumentException("A ledger transaction belongs to a firm.", nameof(firmId));
        idempotencyKey = EnsureKey(idempotencyKey);
        var lines = postings.ToList();
        if (lines.Count == 0)
            throw new DomainException("A ledger transaction needs at least one posting.");
        var unbalanced = lines
            .GroupBy(p => p.Currency)
            .Select(g => (Currency: g.Key, Sum: g.Aggregate(Int128.Zero, (sum, p) => sum + p.AmountMinor)))
            .FirstOrDefault(g => g.Sum != 0);
        if (unbalanced.Sum != 0)
            throw new DomainException($"A ledger transaction must balance: its {unbalanced.Currency} postings sum to {unbalanced.Sum} minor units, not zero.");

        var transaction = new LedgerTransaction(firmId, kind, occurredAt, idempotencyKey, fingerprint, source.Trim(), paymentId);
        foreach (var posting in lines)
            posting.AttachTo(transaction);
        transaction._postings.AddRange(lines);
        return transaction;
    }

    /// <summary>Checks a key up front, for operations that must refuse it before changing anything.</summary>
    public static string EnsureKey(string idempotencyKey)
    {
        var key = idempotencyKey.Trim();
        return key.Length is 0 or > MaxKeyLength
            ? throw new DomainException($"An idempotency key of 1 to {MaxKeyLength} characters is needed.")
            : key;
    }

    public override string ToString() => $"{Kind} [{IdempotencyKey}]: {string.Join(", ", _postings)}";
}
