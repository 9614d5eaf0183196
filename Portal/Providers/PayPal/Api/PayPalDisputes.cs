namespace Portal.Providers.PayPal.Api;

public enum PayPalDisputeStatus
{
    Unknown,
    Open,
    WaitingForBuyerResponse,
    WaitingForSellerResponse,
    UnderReview,
    Resolved,
    Other,
}

/// <summary>How PayPal settled a dispute. Only a resolved dispute has one.</summary>
public enum PayPalDisputeOutcomeCode
{
    Unknown,
    ResolvedBuyerFavour,
    ResolvedSellerFavour,

    // PayPal paid the payer from its own funds: the seller keeps the money.
    ResolvedWithPayout,
    CanceledByBuyer,

    // The seller accepted the claim and gave the money back.
    Accepted,

    // PayPal denied the claim.
    Denied,
    None,
}

/// <summary>A payer's dispute (an inquiry, a claim or a chargeback) over one or more of the firm's captures.</summary>
public sealed record PayPalDispute
{
    public string DisputeId { get; init; } = "";
    public PayPalDisputeStatus Status { get; init; }
    public string? Reason { get; init; }
    public string? DisputeLifeCycleStage { get; init; }
    public PayPalMoney? DisputeAmount { get; init; }
    public IReadOnlyList<PayPalDisputedTransaction> DisputedTransactions { get; init; } = [];
    public PayPalDisputeOutcome? DisputeOutcome { get; init; }
    public DateTimeOffset? CreateTime { get; init; }
    public DateTimeOffset? UpdateTime { get; init; }

    /// <summary>Who the money stays with, once PayPal has decided; null while the dispute is open.</summary>
    public bool? PayerWon => Status != PayPalDisputeStatus.Resolved ? null : DisputeOutcome?.OutcomeCode switch
    {
        PayPalDisputeOutcomeCode.ResolvedBuyerFavour or PayPalDisputeOutcomeCode.Accepted => true,
        PayPalDisputeOutcomeCode.ResolvedSellerFavour or PayPalDisputeOutcomeCode.ResolvedWithPayout
            or PayPalDisputeOutcomeCode.CanceledByBuyer or PayPalDisputeOutcomeCode.Denied => false,
        _ => null,
    };
}

/// <summary>A capture the dispute is about: its id on the firm's side and the custom_id the order carried.</summary>
public sealed record PayPalDisputedTransaction
{
    public string? SellerTransactionId { get; init; }
    public string? Custom { get; init; }
    public string? InvoiceNumber { get; init; }
    public PayPalMoney? GrossAmount { get; init; }
}

public sealed record PayPalDisputeOutcome
{
    public PayPalDisputeOutcomeCode OutcomeCode { get; init; }
    public PayPalMoney? AmountRefunded { get; init; }
}
