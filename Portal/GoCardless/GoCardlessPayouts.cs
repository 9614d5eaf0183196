using System.Text.Json.Serialization;
using Portal.Domain;

namespace Portal.GoCardless;

public enum GoCardlessPayoutStatus
{
    Unknown,
    Pending,
    Paid,
    Bounced,
}

// Money GoCardless sends to the creditor's bank: the collected payments less GoCardless's fees.
public sealed record GoCardlessPayout : GoCardlessResourceWithAmount
{
    public string Id { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateOnly? ArrivalDate { get; init; }
    public GoCardlessPayoutStatus Status { get; init; }
    public string? Reference { get; init; }
    public GoCardlessPayoutLinks Links { get; init; } = new();

    // Amount is what reaches the bank, after these fees.
    [JsonIgnore]
    public Money DeductedFees => InCurrency(WireDeductedFees);

    [JsonInclude]
    [JsonPropertyName("deducted_fees")]
    internal long WireDeductedFees { get; init; }
}

public sealed record GoCardlessPayoutLinks
{
    public string? Creditor { get; init; }
    public string? CreditorBankAccount { get; init; }
}

public sealed record GoCardlessPayoutFilter(GoCardlessPayoutStatus? Status = null, DateTimeOffset? CreatedAfter = null)
{
    internal IEnumerable<KeyValuePair<string, string?>> ToQuery() =>
    [
        new("status", Status is { } status ? GoCardlessQuery.Name(status) : null),
        new("created_at[gt]", GoCardlessQuery.Time(CreatedAfter)),
    ];
}
