namespace Portal.GoCardless;

public sealed record GoCardlessCustomer
{
    public string Id { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public string? Email { get; init; }
    public string? GivenName { get; init; }
    public string? FamilyName { get; init; }
    public string? CompanyName { get; init; }
    public string? AddressLine1 { get; init; }
    public string? City { get; init; }
    public string? PostalCode { get; init; }
    public string? CountryCode { get; init; }
    public string? Language { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

public sealed record NewCustomer(
    string? Email,
    string? GivenName = null,
    string? FamilyName = null,
    string? CompanyName = null,
    string? AddressLine1 = null,
    string? City = null,
    string? PostalCode = null,
    string? CountryCode = null,
    string? Language = null,
    IReadOnlyDictionary<string, string>? Metadata = null);

// GoCardless never returns full bank details, only what identifies the account to its owner; Portal keeps no more.
public sealed record GoCardlessCustomerBankAccount
{
    public string Id { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public string? AccountHolderName { get; init; }
    public string? AccountNumberEnding { get; init; }
    public string? BankName { get; init; }
    public string? CountryCode { get; init; }
    public string? Currency { get; init; }
    public bool Enabled { get; init; }
    public GoCardlessCustomerBankAccountLinks Links { get; init; } = new();
}

public sealed record GoCardlessCustomerBankAccountLinks
{
    public string? Customer { get; init; }
}
