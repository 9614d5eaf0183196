namespace Portal.GoCardless;

// The creditor behind an access token: reading it is the "test connection" call.
public sealed record GoCardlessCreditor
{
    public string Id { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public string? Name { get; init; }
    public string? CountryCode { get; init; }
    public string? VerificationStatus { get; init; }
    public bool CanCreateRefunds { get; init; }
}
