namespace Portal.Providers.PayPal.Api;

public enum PayPalCaptureStatus
{
    Unknown,
    Completed,
    Declined,
    PartiallyRefunded,

    // Held by PayPal (e.g. PENDING_REVIEW, an eCheck): money not yet the firm's; a webhook says how it ends.
    Pending,
    Refunded,
    Failed,
}

public enum PayPalRefundStatus
{
    Unknown,
    Cancelled,
    Failed,
    Pending,
    Completed,
}

public sealed record PayPalCapture
{
    public string Id { get; init; } = "";
    public PayPalCaptureStatus Status { get; init; }
    public PayPalStatusDetails? StatusDetails { get; init; }
    public PayPalMoney? Amount { get; init; }
    public string? CustomId { get; init; }
    public string? InvoiceId { get; init; }
    public bool FinalCapture { get; init; }
    public PayPalSellerReceivableBreakdown? SellerReceivableBreakdown { get; init; }
    public IReadOnlyList<PayPalLink> Links { get; init; } = [];
    public DateTimeOffset? CreateTime { get; init; }
    public DateTimeOffset? UpdateTime { get; init; }
}

public sealed record PayPalStatusDetails(string? Reason);

// What the firm receives for a capture: gross less PayPal's fee. Present once the capture has completed.
public sealed record PayPalSellerReceivableBreakdown
{
    public PayPalMoney? GrossAmount { get; init; }
    public PayPalMoney? PaypalFee { get; init; }
    public PayPalMoney? NetAmount { get; init; }
}

public sealed record PayPalRefund
{
    public string Id { get; init; } = "";
    public PayPalRefundStatus Status { get; init; }
    public PayPalStatusDetails? StatusDetails { get; init; }
    public PayPalMoney? Amount { get; init; }
    public string? InvoiceId { get; init; }
    public string? CustomId { get; init; }
    public string? NoteToPayer { get; init; }
    public PayPalSellerPayableBreakdown? SellerPayableBreakdown { get; init; }
    public IReadOnlyList<PayPalLink> Links { get; init; } = [];
    public DateTimeOffset? CreateTime { get; init; }
}

public sealed record PayPalSellerPayableBreakdown
{
    public PayPalMoney? GrossAmount { get; init; }
    public PayPalMoney? PaypalFee { get; init; }
    public PayPalMoney? NetAmount { get; init; }
    public PayPalMoney? TotalRefundedAmount { get; init; }
}

// A refund of part of a capture (Amount set) or of all that is left of it (Amount null).
public sealed record NewPayPalRefund(Portal.Domain.Money? Amount = null, string? InvoiceId = null, string? NoteToPayer = null);
