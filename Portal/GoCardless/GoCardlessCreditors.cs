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
    /// <summary>The identifiers the creditor collects under, one per scheme (the SEPA creditor identifier, the Bacs SUN…).</summary>
    public IReadOnlyList<GoCardlessSchemeIdentifier> SchemeIdentifiers { get; init; } = [];

    /// <summary>
    /// The SEPA creditor identifier SEPA direct debits are collected under (the firm's own, or GoCardless's when the
    /// firm has none), as it appears on mandates and in Factur-X; null when the creditor collects no SEPA debits.
    /// </summary>
    public string? SepaCreditorIdentifier => SchemeIdentifiers
        .Where(s => s.Scheme is "sepa" or "sepa_core" && !string.IsNullOrWhiteSpace(s.Reference))
        .OrderBy(s => s.Status == "active" ? 0 : 1)
        .Select(s => s.Reference)
        .FirstOrDefault();
}

/// <summary>One scheme identifier of a creditor: its scheme, the reference payers' banks know it by, and its status.</summary>
public sealed record GoCardlessSchemeIdentifier
{
    public string? Name { get; init; }
    public string? Scheme { get; init; }
    public string? Reference { get; init; }
    public string? Currency { get; init; }
    /// <summary>pending until the scheme has registered it, then active.</summary>
    public string? Status { get; init; }
}
