using Portal.Domain.Ledger;
using Portal.Domain.Payments;

namespace Portal.Domain.Payouts;

public enum PayoutStatus { Paid, Failed }

public enum PayoutItemKind { Payment, Refund, Fee, Other }

/// <summary>One line of a provider's payout as the provider reports it: a payment in, a refund or a fee out.</summary>
public sealed record PayoutLine(PayoutItemKind Kind, string ProviderObjectId, Money Amount, Guid? PaymentId, Money? FeeTax = null);

/// <summary>
/// Money a provider sent to the firm's bank (a Stripe payout, a GoCardless payout) and what it is made of.
/// Invariant: its items sum to its net amount, so each can be traced to a payment, a refund or a fee; an item
/// without a payment of ours is kept, unmatched, for someone to look at. A payout is paid once (bank +N ·
/// clearing −N) and can fail once after that (the bank movement reversed); the ledger transactions are named here.
/// </summary>
public sealed class ProviderPayout : ITenantOwned
{
    public const int MaxProviderIdLength = 120;

    private readonly List<ProviderPayoutItem> _items = [];

    private ProviderPayout() { }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public PaymentProvider Provider { get; private set; }
    public string ProviderPayoutId { get; private set; } = "";
    public Currency Currency { get; private set; }
    public long NetMinor { get; private set; }
    public long FeesMinor { get; private set; }
    /// <summary>VAT the provider charged on its fees, when it reports it (GoCardless does for GB and FR firms).</summary>
    public long? FeeTaxMinor { get; private set; }
    public DateOnly? ArrivalDate { get; private set; }
    public PayoutStatus Status { get; private set; }
    public DateTimeOffset RecordedAt { get; private set; }
    /// <summary>bank +N · clearing −N; none when the payout had already failed when Portal first heard of it.</summary>
    public Guid? PaidTransactionId { get; private set; }
    public Guid? ReversalTransactionId { get; private set; }
    public IReadOnlyList<ProviderPayoutItem> Items => _items;

    public Money Net => new(NetMinor, Currency);
    public Money Fees => new(FeesMinor, Currency);
    public Money? FeeTax => FeeTaxMinor is { } tax ? new Money(tax, Currency) : null;
    public int UnmatchedCount => _items.Count(i => i.IsUnmatched);

    /// <summary>
    /// A payout that reached the bank, with the ledger transaction that books it (built by the caller from
    /// <see cref="PostingRules.Payout"/>). Refuses items that do not add up to the net amount.
    /// </summary>
    public static ProviderPayout Paid(Guid firmId, PaymentProvider provider, string providerPayoutId, Money net, DateOnly? arrivalDate,
        IReadOnlyCollection<PayoutLine> lines, LedgerTransaction booking, DateTimeOffset now)
    {
        var payout = Create(firmId, provider, providerPayoutId, net, arrivalDate, lines, PayoutStatus.Paid, now);
        if (!net.IsPositive)
            throw new DomainException($"Payout {providerPayoutId} must be more than zero to be paid into the bank.");
        payout.PaidTransactionId = booking.Id;
        return payout;
    }

    /// <summary>A payout that had already failed when Portal first read it: recorded, nothing booked.</summary>
    public static ProviderPayout FailedUnbooked(Guid firmId, PaymentProvider provider, string providerPayoutId, Money net, DateOnly? arrivalDate,
        IReadOnlyCollection<PayoutLine> lines, DateTimeOffset now) =>
        Create(firmId, provider, providerPayoutId, net, arrivalDate, lines, PayoutStatus.Failed, now);

    /// <summary>
    /// The bank returned a paid payout: the postings that take it back out of the bank (clearing +N · bank −N),
    /// or null when it was never booked. A second failure is refused, so the reversal is booked once.
    /// </summary>
    public IReadOnlyList<Posting>? Fail()
    {
        if (Status == PayoutStatus.Failed)
            throw new DomainException($"Payout {ProviderPayoutId} has already failed.");
        Status = PayoutStatus.Failed;
        return PaidTransactionId is null ? null : PostingRules.Payout(Provider, -Net);
    }

    public void LinkReversal(LedgerTransaction reversal)
    {
        if (ReversalTransactionId is not null)
            throw new DomainException($"Payout {ProviderPayoutId} is already reversed.");
        ReversalTransactionId = reversal.Id;
    }

    private static ProviderPayout Create(Guid firmId, PaymentProvider provider, string providerPayoutId, Money net, DateOnly? arrivalDate,
        IReadOnlyCollection<PayoutLine> lines, PayoutStatus status, DateTimeOffset now)
    {
        if (firmId == Guid.Empty)
            throw new ArgumentException("A payout belongs to a firm.", nameof(firmId));
        if (provider == PaymentProvider.None)
            throw new DomainException("A payout comes from a provider.");
        providerPayoutId = providerPayoutId.Trim();
        if (providerPayoutId.Length is 0 or > MaxProviderIdLength)
            throw new DomainException($"A payout id of 1 to {MaxProviderIdLength} characters is needed.");
        if (lines.FirstOrDefault(l => l.Amount.Currency != net.Currency) is { } foreign)
            throw new DomainException($"Payout {providerPayoutId} is in {net.Currency} but its item {foreign.ProviderObjectId} is in {foreign.Amount.Currency}.");
        var sum = lines.Select(l => l.Amount).Sum(net.Currency);
        if (lines.Count > 0 && sum != net)
            throw new DomainException($"The items of payout {providerPayoutId} add up to {sum}, not to its amount {net}.");
        var payout = new ProviderPayout
        {
            Id = Guid.CreateVersion7(),
            FirmId = firmId,
            Provider = provider,
            ProviderPayoutId = providerPayoutId,
            Currency = net.Currency,
            NetMinor = net.Minor,
            FeesMinor = -lines.Where(l => l.Kind == PayoutItemKind.Fee).Select(l => l.Amount).Sum(net.Currency).Minor,
            FeeTaxMinor = lines.Any(l => l.FeeTax is not null) ? lines.Where(l => l.FeeTax is not null).Sum(l => l.FeeTax!.Value.Minor) : null,
            ArrivalDate = arrivalDate,
            Status = status,
            RecordedAt = now,
        };
        payout._items.AddRange(lines.Select((l, i) => new ProviderPayoutItem(payout, i, l)));
        return payout;
    }
}

/// <summary>One item of a payout. Amounts are signed as the bank sees them: a payment adds, a refund or a fee takes away.</summary>
public sealed class ProviderPayoutItem : ITenantOwned
{
    private ProviderPayoutItem() { }

    internal ProviderPayoutItem(ProviderPayout payout, int position, PayoutLine line)
    {
        Id = Guid.CreateVersion7();
        FirmId = payout.FirmId;
        PayoutId = payout.Id;
        Position = position;
        Kind = line.Kind;
        ProviderObjectId = line.ProviderObjectId;
        PaymentId = line.PaymentId;
        Currency = line.Amount.Currency;
        AmountMinor = line.Amount.Minor;
        FeeTaxMinor = line.FeeTax?.Minor;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid PayoutId { get; private set; }
    public int Position { get; private set; }
    public PayoutItemKind Kind { get; private set; }
    /// <summary>The provider's id of what the item is about (charge, refund, GoCardless payment), or "" when it names none.</summary>
    public string ProviderObjectId { get; private set; } = "";
    /// <summary>Our payment, when the provider object is one Portal knows.</summary>
    public Guid? PaymentId { get; private set; }
    public Currency Currency { get; private set; }
    public long AmountMinor { get; private set; }
    public long? FeeTaxMinor { get; private set; }

    public Money Amount => new(AmountMinor, Currency);

    /// <summary>A payment or refund Portal cannot trace to one of its payments: money in the bank nobody here accounts for.</summary>
    public bool IsUnmatched => PaymentId is null && Kind is PayoutItemKind.Payment or PayoutItemKind.Refund;
}
