using Portal.Domain;

namespace Portal.GoCardless;

public enum GoCardlessBillingRequestStatus
{
    Unknown,
    Pending,
    ReadyToFulfil,
    Fulfilling,
    Fulfilled,
    Cancelled,
}

public sealed record GoCardlessBillingRequest
{
    public string Id { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public GoCardlessBillingRequestStatus Status { get; init; }
    public GoCardlessMandateRequest? MandateRequest { get; init; }
    public GoCardlessPaymentRequest? PaymentRequest { get; init; }
    public IReadOnlyList<GoCardlessBillingRequestAction> Actions { get; init; } = [];
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public GoCardlessBillingRequestLinks Links { get; init; } = new();
}

public sealed record GoCardlessMandateRequest
{
    public string? Currency { get; init; }
    public GoCardlessScheme Scheme { get; init; }
    public string? Verify { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public GoCardlessMandateRequestLinks Links { get; init; } = new();
}

public sealed record GoCardlessMandateRequestLinks
{
    public string? Mandate { get; init; }
}

// An Instant Bank Payment (open banking, GBP/EUR), not a direct debit: Portal collects through mandates instead.
public sealed record GoCardlessPaymentRequest : GoCardlessResourceWithAmount
{
    public string? Description { get; init; }
}

public sealed record GoCardlessBillingRequestAction
{
    public string Type { get; init; } = "";
    public bool Required { get; init; }
    public string? Status { get; init; }
}

public sealed record GoCardlessBillingRequestLinks
{
    public string? Creditor { get; init; }
    public string? Customer { get; init; }
    public string? CustomerBankAccount { get; init; }

    // The mandate the flow created, once the request is fulfilled.
    public string? MandateRequestMandate { get; init; }
    public string? PaymentRequestPayment { get; init; }
}

// Give a mandate request, a payment request or both. CustomerId reuses a customer GoCardless already knows.
public sealed record NewBillingRequest(
    NewMandateRequest? MandateRequest,
    NewPaymentRequest? PaymentRequest = null,
    string? CustomerId = null,
    IReadOnlyDictionary<string, string>? Metadata = null);

// GoCardless recommends giving the currency and letting it choose the scheme.
public sealed record NewMandateRequest(
    Currency Currency,
    GoCardlessScheme? Scheme = null,
    string Verify = "recommended",
    IReadOnlyDictionary<string, string>? Metadata = null);

public sealed record NewPaymentRequest(Money Amount, string Description);

public sealed record GoCardlessBillingRequestFlow
{
    public string Id { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }

    // The hosted page to send the payer to.
    public Uri? AuthorisationUrl { get; init; }

    // A flow lasts 7 days; after that a new one is needed for the same billing request.
    public DateTimeOffset ExpiresAt { get; init; }
    public Uri? RedirectUri { get; init; }
    public Uri? ExitUri { get; init; }
    public bool AutoFulfil { get; init; }
    public bool LockCustomerDetails { get; init; }
    public bool LockCurrency { get; init; }
    public string? Language { get; init; }
    public GoCardlessBillingRequestFlowLinks Links { get; init; } = new();
}

public sealed record GoCardlessBillingRequestFlowLinks
{
    public string? BillingRequest { get; init; }
}

// RedirectUri: where the payer lands after authorising; ExitUri: where "cancel" goes. GoCardless may not add the
// billing request id to the redirect, so the caller keeps it.
public sealed record NewBillingRequestFlow(
    string BillingRequestId,
    Uri RedirectUri,
    Uri ExitUri,
    GoCardlessPrefilledCustomer? PrefilledCustomer = null,
    bool LockCustomerDetails = false,
    bool LockCurrency = true,
    string? Language = null);

public sealed record GoCardlessPrefilledCustomer(
    string? GivenName = null,
    string? FamilyName = null,
    string? Email = null,
    string? CompanyName = null,
    string? AddressLine1 = null,
    string? City = null,
    string? PostalCode = null,
    string? CountryCode = null);

public sealed record GoCardlessBillingRequestFilter(string? CustomerId = null, GoCardlessBillingRequestStatus? Status = null)
{
    internal IEnumerable<KeyValuePair<string, string?>> ToQuery() =>
    [
        new("customer", CustomerId),
        new("status", Status is { } status ? GoCardlessQuery.Name(status) : null),
    ];
}
