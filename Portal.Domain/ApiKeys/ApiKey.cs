namespace Portal.Domain.ApiKeys;

/// <summary>What a key may do: read only, or read and write.</summary>
public enum ApiKeyScope { Read, ReadWrite }

/// <summary>
/// What a key may reach: an accounting sync needs invoices and payments, a CRM needs clients; neither needs the rest.
/// A scope is a resource with the key's access to it, written <c>invoices:read</c> or <c>invoices:write</c>.
/// </summary>
[Flags]
public enum ApiResources
{
    None = 0,
    Clients = 1,
    Invoices = 2,
    Payments = 4,
    /// <summary>A client's credit balance.</summary>
    Wallets = 8,
    All = Clients | Invoices | Payments | Wallets,
}

/// <summary>
/// A firm's key to the REST API. Only a hash of the secret is kept: the secret is shown once when the key is
/// made and can never be read back. A revoked or expired key opens nothing; revoking is final.
/// </summary>
public sealed class ApiKey : ITenantOwned
{
    private ApiKey() { }

    public ApiKey(Guid firmId, string name, ApiKeyScope scope, ApiResources resources, string prefix, byte[] secretHash, DateTimeOffset createdAt, DateTimeOffset? expiresAt)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100)
            throw new DomainException("An API key name must have between 1 and 100 characters.");
        if (resources == ApiResources.None || (resources & ~ApiResources.All) != ApiResources.None)
            throw new DomainException("Choose what the API key may reach: clients, invoices, payments or credit.");
        if (expiresAt is { } expiry && expiry <= createdAt)
            throw new DomainException("An API key must expire in the future.");
        if (secretHash.Length != 32)
            throw new ArgumentException("A SHA-256 hash has 32 bytes.", nameof(secretHash));
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        Name = name;
        Scope = scope;
        Resources = resources;
        Prefix = prefix;
        SecretHash = secretHash;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public string Name { get; private set; } = "";
    public ApiKeyScope Scope { get; private set; }
    public ApiResources Resources { get; private set; }
    /// <summary>The visible start of the key (<c>pk_live_3f9a2c1d</c>): how people recognise it, and how a request finds it.</summary>
    public string Prefix { get; private set; } = "";
    public byte[] SecretHash { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ExpiresAt { get; private set; }
    public DateTimeOffset? LastUsedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is not { } expiry || now < expiry);

    public bool CanWrite => Scope switch
    {
        ApiKeyScope.Read => false,
        ApiKeyScope.ReadWrite => true,
    };

    /// <summary>Whether the key may read, or with <paramref name="write"/> change, <paramref name="resource"/>.</summary>
    public bool Allows(ApiResources resource, bool write) => resource != ApiResources.None && Resources.HasFlag(resource) && (!write || CanWrite);

    /// <summary>The key's scopes as a request carries them: <c>clients:read</c>, <c>clients:write</c>, …</summary>
    public IEnumerable<string> Scopes() =>
        Enum.GetValues<ApiResources>().Where(r => r is not (ApiResources.None or ApiResources.All) && Allows(r, write: false))
            .SelectMany(r => CanWrite ? [ScopeOf(r, write: false), ScopeOf(r, write: true)] : new[] { ScopeOf(r, write: false) });

    public static string ScopeOf(ApiResources resource, bool write) => $"{resource.ToString().ToLowerInvariant()}:{(write ? "write" : "read")}";

    public void Revoke(DateTimeOffset at)
    {
        if (RevokedAt is not null)
            throw new DomainException("This API key is already revoked.");
        RevokedAt = at;
    }
}
