namespace Portal.Domain;

/// <summary>A row that belongs to one firm. The data layer filters every query on it.</summary>
public interface ITenantOwned
{
    Guid FirmId { get; }
}
