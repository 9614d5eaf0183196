namespace Portal.Domain;

/// <summary>A row that belongs to one firm. The data layer filters every query on it.</summary>
public interface ITenantOwned
{
    Guid FirmId { get; }
}

/// <summary>A row that belongs to one client account of a firm: a client contact sees only its own.</summary>
public interface IClientOwned : ITenantOwned
{
    Guid ClientAccountId { get; }
}
