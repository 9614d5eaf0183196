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

/// <summary>
/// One credit or debit that makes up a payout (payment_paid_out, gocardless_fee, refund…). GoCardless gives the
/// amount as a string of minor units to one decimal place ("1000.0", "-30.0"), in the payout's currency; fee
/// items carry the tax GoCardless charged on the fee, where it charges any.
/// </summary>
public sealed record GoCardlessPayoutItem
{
    public string Type { get; init; } = "";
    public GoCardlessPayoutItemLinks Links { get; init; } = new();
    public IReadOnlyList<GoCardlessPayoutItemTax> Taxes { get; init; } = [];

    [JsonInclude]
    [JsonPropertyName("amount")]
    internal string WireAmount { get; init; } = "0";

    public Money AmountIn(Currency currency) => new(GoCardlessAmounts.FromFractionalText(WireAmount), currency);
}

public sealed record GoCardlessPayoutItemLinks
{
    public string? Payment { get; init; }
    public string? Mandate { get; init; }
    public string? Refund { get; init; }
}

public sealed record GoCardlessPayoutItemTax
{
    public string? Currency { get; init; }
    public string? TaxRateId { get; init; }

    [JsonInclude]
    [JsonPropertyName("amount")]
    internal string WireAmount { get; init; } = "0";

    public Money AmountIn(Currency currency) => new(GoCardlessAmounts.FromFractionalText(WireAmount), currency);
}
