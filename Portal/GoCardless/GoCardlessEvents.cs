namespace Portal.GoCardless;

public enum GoCardlessResourceType
{
    Unknown,
    BillingRequests,
    Creditors,
    Customers,
    InstalmentSchedules,
    Mandates,
    PayerAuthorisations,
    Payments,
    Payouts,
    Refunds,
    SchemeIdentifiers,
    Subscriptions,
}

public enum GoCardlessEventOrigin
{
    Unknown,
    Api,
    Bank,
    Customer,
    Gocardless,
    Payer,
}

// What happened to one resource. Events arrive out of order and in batches of unrelated events; the action is a
// string because each resource type has its own (payments: confirmed, paid_out, failed…).
public sealed record GoCardlessEvent
{
    public string Id { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public GoCardlessResourceType ResourceType { get; init; }
    public string Action { get; init; } = "";
    public GoCardlessEventLinks Links { get; init; } = new();
    public GoCardlessEventDetails Details { get; init; } = new();
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    // The metadata of the resource the event is about (a payment's invoice id, say), copied at the time.
    public IReadOnlyDictionary<string, string> ResourceMetadata { get; init; } = new Dictionary<string, string>();
}

public sealed record GoCardlessEventLinks
{
    public string? BillingRequest { get; init; }
    public string? BillingRequestFlow { get; init; }
    public string? Creditor { get; init; }
    public string? Customer { get; init; }
    public string? CustomerBankAccount { get; init; }
    public string? Mandate { get; init; }
    public string? MandateRequestMandate { get; init; }
    public string? NewMandate { get; init; }
    public string? ParentEvent { get; init; }
    public string? Payment { get; init; }
    public string? PaymentRequestPayment { get; init; }
    public string? Payout { get; init; }
    public string? Refund { get; init; }
    public string? Subscription { get; init; }
}

// Dispatch on Cause rather than Action: the reason code behind it differs per scheme.
public sealed record GoCardlessEventDetails
{
    public GoCardlessEventOrigin Origin { get; init; }
    public string? Cause { get; init; }
    public string? Description { get; init; }
    public string? Scheme { get; init; }
    public string? ReasonCode { get; init; }

    // On a failed payment: true when GoCardless will retry by itself (Success+), so the payment is still pending.
    public bool? WillAttemptRetry { get; init; }
    public string? NotRetriedReason { get; init; }
}

public sealed record GoCardlessEventFilter(
    GoCardlessResourceType? ResourceType = null,
    string? Action = null,
    string? PaymentId = null,
    string? MandateId = null,
    string? BillingRequestId = null,
    string? PayoutId = null,
    string? RefundId = null,
    string? ParentEventId = null,
    DateTimeOffset? CreatedAfter = null,
    DateTimeOffset? CreatedOnOrAfter = null,
    DateTimeOffset? CreatedBefore = null)
{
    internal IEnumerable<KeyValuePair<string, string?>> ToQuery() =>
    [
        new("resource_type", ResourceType is { } type ? GoCardlessQuery.Name(type) : null),
        new("action", Action),
        new("payment", PaymentId),
        new("mandate", MandateId),
        new("billing_request", BillingRequestId),
        new("payout", PayoutId),
        new("refund", RefundId),
        new("parent_event", ParentEventId),
        new("created_at[gt]", GoCardlessQuery.Time(CreatedAfter)),
        new("created_at[gte]", GoCardlessQuery.Time(CreatedOnOrAfter)),
        new("created_at[lt]", GoCardlessQuery.Time(CreatedBefore)),
    ];
}
