using System.Text.Json.Serialization;
using Portal.Domain;

namespace Portal.GoCardless;

public enum GoCardlessPaymentStatus
{
    Unknown,
    PendingCustomerApproval,
    PendingSubmission,
    Submitted,

    // Collected, but the payer's bank can still report a late failure or a chargeback.
    Confirmed,
    PaidOut,
    Cancelled,
    CustomerApprovalDenied,
    Failed,
    ChargedBack,
}

public sealed record GoCardlessPayment : GoCardlessResourceWithAmount
{
    public string Id { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateOnly ChargeDate { get; init; }
    public string? Description { get; init; }
    public string? Reference { get; init; }
    public GoCardlessPaymentStatus Status { get; init; }
    public bool RetryIfPossible { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public GoCardlessPaymentLinks Links { get; init; } = new();

    [JsonIgnore]
    public Money AmountRefunded => InCurrency(WireAmountRefunded);

    [JsonInclude]
    [JsonPropertyName("amount_refunded")]
    internal long WireAmountRefunded { get; init; }
}

public sealed record GoCardlessPaymentLinks
{
    public string? Mandate { get; init; }
    public string? Creditor { get; init; }

    // Set once the payment is paid_out.
    public string? Payout { get; init; }
}

// ChargeDate: the day to collect (a non-working day moves to the next working day); null = as soon as possible.
// It may not be earlier than the mandate's next_possible_charge_date. Metadata: at most 3 keys.
public sealed record NewPayment(
    Money Amount,
    string MandateId,
    DateOnly? ChargeDate = null,
    string? Description = null,
    string? Reference = null,
    IReadOnlyDictionary<string, string>? Metadata = null,
    bool RetryIfPossible = false);

public sealed record GoCardlessPaymentFilter(
    string? MandateId = null,
    string? CustomerId = null,
    IReadOnlyList<GoCardlessPaymentStatus>? Statuses = null)
{
    internal IEnumerable<KeyValuePair<string, string?>> ToQuery() =>
    [
        new("mandate", MandateId),
        new("customer", CustomerId),
        new("status", GoCardlessQuery.List(Statuses)),
    ];
}
