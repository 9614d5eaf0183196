using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Portal.Sandbox.GoCardless;

// The sandbox's copies of GoCardless resources, serialized snake_case inside their resource-name envelopes.
internal interface IGoCardlessResource
{
    string Id { get; }
}

internal sealed class GcCustomer : IGoCardlessResource
{
    public required string Id { get; init; }
    public required string CreatedAt { get; init; }
    public string? Email { get; init; }
    public string? GivenName { get; init; }
    public string? FamilyName { get; init; }
    public string? CompanyName { get; init; }
    public string? AddressLine1 { get; init; }
    public string? City { get; init; }
    public string? PostalCode { get; init; }
    public string? CountryCode { get; init; }
    public string Language { get; init; } = "en";
    public Dictionary<string, string> Metadata { get; init; } = [];
}

internal sealed class GcCustomerBankAccount : IGoCardlessResource
{
    public required string Id { get; init; }
    public required string CreatedAt { get; init; }
    public required string AccountHolderName { get; init; }
    public required string AccountNumberEnding { get; init; }
    public required string BankName { get; init; }
    public required string CountryCode { get; init; }
    public required string Currency { get; init; }
    public bool Enabled { get; set; } = true;
    public Dictionary<string, string> Metadata { get; init; } = [];
    public required Dictionary<string, string> Links { get; init; }
}

internal sealed class GcMandateRequest
{
    public required string Currency { get; init; }
    public required string Scheme { get; init; }
    public string Verify { get; init; } = "recommended";
    public Dictionary<string, string> Metadata { get; init; } = [];
    public Dictionary<string, string> Links { get; init; } = [];
}

internal sealed class GcBillingRequestAction
{
    public required string Type { get; init; }
    public bool Required { get; init; } = true;
    public string Status { get; set; } = "pending";
}

internal sealed class GcBillingRequest : IGoCardlessResource
{
    public required string Id { get; init; }
    public required string CreatedAt { get; init; }
    public string Status { get; set; } = "pending";
    public required GcMandateRequest MandateRequest { get; init; }
    public JsonObject? PaymentRequest => null;
    public Dictionary<string, string> Metadata { get; init; } = [];
    public required Dictionary<string, string> Links { get; init; }
    public required List<GcBillingRequestAction> Actions { get; init; }
    public bool FallbackEnabled => false;
}

internal sealed class GcBillingRequestFlow : IGoCardlessResource
{
    public required string Id { get; init; }
    public required string CreatedAt { get; init; }
    public required string AuthorisationUrl { get; init; }
    public required string ExpiresAt { get; init; }
    public string? RedirectUri { get; init; }
    public string? ExitUri { get; init; }
    public required string SessionToken { get; init; }
    public bool AutoFulfil { get; init; } = true;
    public bool LockCustomerDetails { get; init; }
    public bool LockCurrency { get; init; }
    public bool LockBankAccount { get; init; }
    public string? Language { get; init; }
    public Dictionary<string, string> PrefilledCustomer { get; init; } = [];
    public required Dictionary<string, string> Links { get; init; }

    [JsonIgnore]
    public DateTimeOffset Expiry { get; init; }
}

internal sealed class GcMandate : IGoCardlessResource
{
    public required string Id { get; init; }
    public required string CreatedAt { get; init; }
    public required string Reference { get; init; }
    public required string Scheme { get; init; }
    public required string Status { get; set; }

    // Recomputed from the sandbox clock before every read: it moves as days pass.
    public string? NextPossibleChargeDate { get; set; }
    public bool PaymentsRequireApproval => false;
    public string FundsSettlement => "managed";
    public string AuthorisationSource => "web";
    public string? VerifiedAt { get; set; }
    public Dictionary<string, string> Metadata { get; init; } = [];
    public required Dictionary<string, string> Links { get; init; }

    [JsonIgnore]
    public DateTimeOffset LastChangedAt { get; set; }
}

internal sealed class GcPayment : IGoCardlessResource
{
    public required string Id { get; init; }
    public required string CreatedAt { get; init; }
    public required string ChargeDate { get; set; }
    public required long Amount { get; init; }
    public long AmountRefunded { get; set; }
    public required string Currency { get; init; }
    public string? Description { get; init; }
    public string? Reference { get; init; }
    public string Status { get; set; } = "pending_submission";
    public bool RetryIfPossible { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = [];
    public required Dictionary<string, string> Links { get; init; }

    [JsonIgnore]
    public int Retries { get; set; }

    [JsonIgnore]
    public DateTimeOffset LastChangedAt { get; set; }
}

internal sealed record GcEventDetails(
    string Origin,
    string Cause,
    string Description,
    string? Scheme = null,
    string? ReasonCode = null,
    bool? WillAttemptRetry = null);

internal sealed class GcEvent : IGoCardlessResource
{
    public required string Id { get; init; }
    public required string CreatedAt { get; init; }
    public required string ResourceType { get; init; }
    public required string Action { get; init; }
    public required Dictionary<string, string> Links { get; init; }
    public required GcEventDetails Details { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = [];
    public Dictionary<string, string> ResourceMetadata { get; init; } = [];

    [JsonIgnore]
    public DateTimeOffset CreatedAtTime { get; init; }
}

internal sealed class GcPayout : IGoCardlessResource
{
    public required string Id { get; init; }
    public required string CreatedAt { get; init; }
    public required long Amount { get; init; }
    public required long DeductedFees { get; init; }
    public required string Currency { get; init; }
    public required string ArrivalDate { get; init; }
    public string Status { get; set; } = "paid";
    public string PayoutType => "merchant";
    public required string Reference { get; init; }
    public required Dictionary<string, string> Links { get; init; }

    [JsonIgnore]
    public List<GcPayoutItem> Items { get; } = [];
}

// A line of a payout. GoCardless gives items no id; the sandbox keeps one only to page through them.
internal sealed class GcPayoutItem : IGoCardlessResource
{
    [JsonIgnore]
    public required string Id { get; init; }
    public required string Type { get; init; }

    // Minor units as text to one decimal place, as GoCardless writes payout item amounts.
    public required string Amount { get; init; }
    public required Dictionary<string, string> Links { get; init; }
    public List<Dictionary<string, string>> Taxes { get; init; } = [];
}

internal sealed class GcRefund : IGoCardlessResource
{
    public required string Id { get; init; }
    public required string CreatedAt { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public string? Reference { get; init; }
    public string Status { get; set; } = "created";
    public Dictionary<string, string> Metadata { get; init; } = [];
    public required Dictionary<string, string> Links { get; init; }
}
