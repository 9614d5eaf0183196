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
public sealed record GoCardlessPayout
{
    public string Id { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateOnly? ArrivalDate { get; init; }
    public GoCardlessPayoutStatus Status { get; init; }
    public string? Reference { get; init; }
    public GoCardlessPayoutLinks Links { get; init; } = new();

    // What reaches the bank.
    [JsonIgnore]
    public Money Amount => GoCardlessAmounts.FromWire(WireAmount, WireCurrency);

    [JsonIgnore]
    public Money DeductedFees => GoCardlessAmounts.FromWire(WireDeductedFees, WireCurrency);

    [JsonInclude]
    [JsonPropertyName("amount")]
    internal long WireAmount { get; init; }

    [JsonInclude]
    [JsonPropertyName("deducted_fees")]
    internal long WireDeductedFees { get; init; }

    [JsonInclude]
    [JsonPropertyName("currency")]
    internal string? WireCurrency { get; init; }
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
