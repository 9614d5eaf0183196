namespace Portal.Data;

/// <summary>
/// The row does not exist for the current tenant. Another firm's id and a made-up id look the same on
/// purpose: nobody learns that another tenant's row exists.
/// </summary>
public sealed class NotFoundException(string what) : Exception($"No such {what}.");
