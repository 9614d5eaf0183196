using Portal.Domain;

namespace Portal.GoCardless;

public enum GoCardlessMandateStatus
{
    Unknown,
    PendingCustomerApproval,
    PendingSubmission,
    Submitted,
    Active,
    SuspendedByPayer,
    Failed,
    Cancelled,
    Expired,
    Consumed,
    Blocked,
}

public enum GoCardlessScheme
{
    Unknown,
    Ach,
    Autogiro,
    Bacs,
    Becs,
    BecsNz,
    Betalingsservice,
    FasterPayments,
    Pad,
    PayTo,
    SepaCore,
}

public sealed record GoCardlessMandate
{
    public string Id { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public string? Reference { get; init; }
    public GoCardlessScheme Scheme { get; init; }
    public GoCardlessMandateStatus Status { get; init; }

    // Null once the mandate can no longer be charged (failed, cancelled, expired).
    public DateOnly? NextPossibleChargeDate { get; init; }
    public bool PaymentsRequireApproval { get; init; }
    public DateTimeOffset? VerifiedAt { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public GoCardlessMandateLinks Links { get; init; } = new();

    // GoCardless gives a mandate's scheme, not its currency; each scheme collects in one currency.
    public Currency? Currency => GoCardlessSchemeCurrency.Of(Scheme);

    // Payments may be created while a mandate is still being set up; they are refused once it has ended.
    public bool CanBeCharged => Status is GoCardlessMandateStatus.PendingCustomerApproval or GoCardlessMandateStatus.PendingSubmission
        or GoCardlessMandateStatus.Submitted or GoCardlessMandateStatus.Active;
}

// The usual pairing of schemes and currencies (PROVIDERS.md A2; GoCardless documents both lists but not the pairs).
public static class GoCardlessSchemeCurrency
{
    public static Currency? Of(GoCardlessScheme scheme) => scheme switch
    {
        GoCardlessScheme.Bacs or GoCardlessScheme.FasterPayments => Currency.GBP,
        GoCardlessScheme.SepaCore => Currency.EUR,
        GoCardlessScheme.Ach => Currency.USD,
        GoCardlessScheme.Autogiro => Currency.FromCode("SEK"),
        GoCardlessScheme.Becs or GoCardlessScheme.PayTo => Currency.FromCode("AUD"),
        GoCardlessScheme.BecsNz => Currency.FromCode("NZD"),
        GoCardlessScheme.Betalingsservice => Currency.FromCode("DKK"),
        GoCardlessScheme.Pad => Currency.FromCode("CAD"),
        GoCardlessScheme.Unknown => null,
    };
}

public sealed record GoCardlessMandateLinks
{
    public string? Creditor { get; init; }
    public string? Customer { get; init; }
    public string? CustomerBankAccount { get; init; }

    // Set when the mandate moved to another bank account: the replacement to charge from now on.
    public string? NewMandate { get; init; }
}

// GoCardless refuses customer, customer_bank_account and creditor together; give at most one of them.
public sealed record GoCardlessMandateFilter(
    string? CustomerId = null,
    string? CustomerBankAccountId = null,
    IReadOnlyList<GoCardlessMandateStatus>? Statuses = null,
    GoCardlessScheme? Scheme = null)
{
    internal IEnumerable<KeyValuePair<string, string?>> ToQuery() =>
    [
        new("customer", CustomerId),
        new("customer_bank_account", CustomerBankAccountId),
        new("status", GoCardlessQuery.List(Statuses)),
        new("scheme", Scheme is { } scheme ? GoCardlessQuery.Name(scheme) : null),
    ];
}
