using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Portal.Sandbox.Stripe;

// The sandbox's copies of Stripe objects. They serialize (snake_case) to the shapes Stripe.net 53 deserializes;
// [JsonIgnore] members are sandbox bookkeeping that Stripe would not show.
internal interface IStripeObject
{
    string Id { get; }
}

internal sealed class StripeCustomer : IStripeObject
{
    public required string Id { get; init; }
    public string Object => "customer";
    public required long Created { get; init; }
    public string? Email { get; set; }
    public string? Name { get; set; }
    public string? Phone { get; set; }
    public string? Description { get; set; }
    public long Balance => 0;
    public Dictionary<string, string> Metadata { get; set; } = [];
    public bool Livemode => false;
}

internal sealed record StripeCardDetails(string Brand, string Last4, long ExpMonth, long ExpYear, string Country, string Funding);

internal sealed record StripeSepaDebitDetails(string BankCode, string Country, string Last4);

internal sealed record StripeBillingDetails(string? Email, string? Name);

internal sealed class StripePaymentMethod : IStripeObject
{
    public required string Id { get; init; }
    public string Object => "payment_method";
    public required long Created { get; init; }
    public required string Type { get; init; }
    public StripeCardDetails? Card { get; init; }
    public StripeSepaDebitDetails? SepaDebit { get; init; }
    public StripeBillingDetails BillingDetails { get; init; } = new(null, null);
    public string? Customer { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = [];
    public bool Livemode => false;

    // Test cards decide their own fate: null succeeds, otherwise the decline code to answer with. A control call can
    // change it later, as a real card runs out of funds or starts asking for authentication.
    [JsonIgnore]
    public string? DeclineCode { get; set; }

    // Detached from its customer: Stripe never lets such a method be used again.
    [JsonIgnore]
    public bool Detached { get; set; }
}

internal sealed record StripeLineItem(string Description, long UnitAmount, long Quantity, string Currency)
{
    public long Amount => UnitAmount * Quantity;
}

internal sealed record StripeCustomerDetails(string? Email, string? Name);

internal enum DelayedOutcome
{
    Succeeds,
    Fails,
}

internal sealed class StripeCheckoutSession : IStripeObject
{
    public required string Id { get; init; }
    public string Object => "checkout.session";
    public required long Created { get; init; }
    public string Mode => "payment";
    public string UiMode => "hosted_page";
    public string Status { get; set; } = "open";
    public string PaymentStatus { get; set; } = "unpaid";
    public required string Currency { get; init; }
    public required long AmountSubtotal { get; init; }
    public required long AmountTotal { get; init; }
    public string? SuccessUrl { get; init; }
    public string? CancelUrl { get; init; }

    // Stripe clears url once the session is no longer open.
    public string? Url => Status == "open" ? HostedUrl : null;
    public string? ClientReferenceId { get; init; }
    public string? Customer { get; init; }
    public string? CustomerEmail { get; init; }
    public StripeCustomerDetails? CustomerDetails { get; set; }
    public Dictionary<string, string> Metadata { get; init; } = [];
    public string? PaymentIntent { get; set; }
    public required long ExpiresAt { get; init; }
    public bool Livemode => false;

    [JsonIgnore]
    public required string HostedUrl { get; init; }

    [JsonIgnore]
    public required IReadOnlyList<StripeLineItem> LineItems { get; init; }

    [JsonIgnore]
    public Dictionary<string, string> PaymentIntentMetadata { get; init; } = [];

    [JsonIgnore]
    public string? PaymentIntentDescription { get; init; }

    [JsonIgnore]
    public string? SetupFutureUsage { get; init; }

    [JsonIgnore]
    public DelayedOutcome? PendingDelayedOutcome { get; set; }

    [JsonIgnore]
    public DateTimeOffset? DelayedOutcomeDueAt { get; set; }
}

internal sealed class StripePaymentIntent : IStripeObject
{
    public required string Id { get; init; }
    public string Object => "payment_intent";
    public required long Created { get; init; }
    public required long Amount { get; init; }
    public long AmountReceived { get; set; }
    public required string Currency { get; init; }
    public string Status { get; set; } = "requires_payment_method";
    public string? Customer { get; init; }
    public string? PaymentMethod { get; set; }
    public string? LatestCharge { get; set; }
    public string? Description { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = [];
    public string? SetupFutureUsage { get; init; }
    public string CaptureMethod => "automatic";
    public string ConfirmationMethod => "automatic";
    public string ClientSecret => Id + "_secret_sandbox";
    public JsonObject? LastPaymentError { get; set; }
    public long? CanceledAt { get; set; }
    public string? CancellationReason { get; set; }
    public bool Livemode => false;
}

internal sealed class StripeCharge : IStripeObject
{
    public required string Id { get; init; }
    public string Object => "charge";
    public required long Created { get; init; }
    public required long Amount { get; init; }
    public long AmountCaptured => Status == "succeeded" ? Amount : 0;
    public long AmountRefunded { get; set; }
    public bool Refunded => Amount > 0 && AmountRefunded >= Amount;
    public bool Captured => Status == "succeeded";
    public bool Paid => Status == "succeeded";
    public required string Status { get; set; }
    public required string Currency { get; init; }
    public required string PaymentIntent { get; init; }
    public string? Customer { get; init; }
    public required string PaymentMethod { get; init; }
    public string? BalanceTransaction { get; set; }
    public required JsonObject PaymentMethodDetails { get; init; }
    public JsonObject? Outcome { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    public bool Disputed { get; set; }
    public string? Description { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = [];
    public StripeBillingDetails BillingDetails { get; init; } = new(null, null);
    public bool Livemode => false;
}

internal sealed record StripeFeeDetail(long Amount, string Currency, string Description, string Type, string? Application);

internal sealed class StripeBalanceTransaction : IStripeObject
{
    public required string Id { get; init; }
    public string Object => "balance_transaction";
    public required long Created { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public required long Fee { get; init; }
    public required IReadOnlyList<StripeFeeDetail> FeeDetails { get; init; }
    public long Net => Amount - Fee;
    public string Status { get; set; } = "pending";
    public required string Type { get; init; }
    public required string ReportingCategory { get; init; }
    public required string Source { get; init; }
    public required long AvailableOn { get; init; }
    public decimal? ExchangeRate => null;
    public string? Description { get; init; }

    // The automatic payout that swept this transaction out of the balance, if any.
    [JsonIgnore]
    public string? PayoutId { get; set; }
}

internal sealed class StripePayout : IStripeObject
{
    public required string Id { get; init; }
    public string Object => "payout";
    public required long Created { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public required long ArrivalDate { get; init; }
    public bool Automatic => true;
    public required string BalanceTransaction { get; init; }
    public string Destination => "ba_sandbox_bank_account";
    public string Method => "standard";
    public string SourceType => "card";
    public string Type => "bank_account";
    public string ReconciliationStatus => Status == "paid" ? "completed" : "in_progress";
    public string Status { get; set; } = "in_transit";
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    public string? FailureBalanceTransaction { get; set; }
    public string? StatementDescriptor => null;
    public Dictionary<string, string> Metadata { get; init; } = [];
    public bool Livemode => false;
}

internal sealed class StripeRefund : IStripeObject
{
    public required string Id { get; init; }
    public string Object => "refund";
    public required long Created { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public required string Charge { get; init; }
    public required string PaymentIntent { get; init; }
    /// <summary>succeeded, or failed when the card it was sent to could not take it back (lost, expired, closed).</summary>
    public string Status { get; set; } = "succeeded";
    public string? Reason { get; init; }
    public string? FailureReason { get; set; }
    public required string BalanceTransaction { get; init; }
    public string? FailureBalanceTransaction { get; set; }
    public Dictionary<string, string> Metadata { get; init; } = [];
}

internal sealed record StripeDisputeEvidenceDetails(long DueBy, bool HasEvidence, bool PastDue, long SubmissionCount);

internal sealed class StripeDispute : IStripeObject
{
    public required string Id { get; init; }
    public string Object => "dispute";
    public required long Created { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public required string Charge { get; init; }
    public required string PaymentIntent { get; init; }
    public required string Reason { get; init; }
    public string Status { get; set; } = "needs_response";
    public List<StripeBalanceTransaction> BalanceTransactions { get; } = [];
    public bool IsChargeRefundable => false;
    public required StripeDisputeEvidenceDetails EvidenceDetails { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = [];
    public bool Livemode => false;
}

internal sealed record StripeEventRequest(string? Id, string? IdempotencyKey);

internal sealed record StripeEventData(JsonNode Object);

internal sealed class StripeEvent : IStripeObject
{
    public required string Id { get; init; }
    public string Object => "event";

    // Stripe.net refuses events whose release train (".endive") differs from its own, so use the SDK's version.
    public string ApiVersion => global::Stripe.StripeConfiguration.ApiVersion;
    public required long Created { get; init; }
    public required string Type { get; init; }
    public bool Livemode => false;
    public long PendingWebhooks { get; set; }
    public required StripeEventRequest Request { get; init; }
    public required StripeEventData Data { get; init; }
}

internal sealed class StripeWebhookEndpoint : IStripeObject
{
    public required string Id { get; init; }
    public string Object => "webhook_endpoint";
    public required long Created { get; init; }
    public required string Url { get; init; }
    public required List<string> EnabledEvents { get; init; }
    public string Status => "enabled";
    public string ApiVersion => global::Stripe.StripeConfiguration.ApiVersion;
    public string? Description { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = [];
    public bool Livemode => false;

    [JsonIgnore]
    public required string Secret { get; init; }

    public bool Wants(string eventType) => EnabledEvents.Any(e => e == "*" || e == eventType);
}
