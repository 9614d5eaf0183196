namespace Portal.GoCardless;

public enum GoCardlessRefundStatus
{
    Unknown,
    Created,
    PendingSubmission,
    Submitted,
    Paid,
    Cancelled,
    Bounced,
    FundsReturned,
    Failed,
}

public sealed record GoCardlessRefund : GoCardlessResourceWithAmount
{
    public string Id { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public string? Reference { get; init; }
    public GoCardlessRefundStatus Status { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public GoCardlessRefundLinks Links { get; init; } = new();
}

public sealed record GoCardlessRefundLinks
{
    public string? Payment { get; init; }
    public string? Mandate { get; init; }
}

// TotalRefunded is GoCardless's guard against refunding twice: the total refunded on the payment once this refund
// is made. If another refund happened meanwhile, GoCardless refuses with total_amount_confirmation_invalid.
public sealed record NewRefund(
    string PaymentId,
    Portal.Domain.Money Amount,
    Portal.Domain.Money TotalRefunded,
    string? Reference = null,
    IReadOnlyDictionary<string, string>? Metadata = null);
