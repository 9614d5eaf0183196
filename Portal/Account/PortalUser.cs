using Microsoft.AspNetCore.Identity;

namespace Portal.Account;

/// <summary>A sign-in. Staff belong to a firm; client contacts also to one client account.</summary>
public sealed class PortalUser : IdentityUser
{
    public Guid? FirmId { get; set; }
    public Guid? ClientAccountId { get; set; }
    public string DisplayName { get; set; } = "";
    /// <summary>"en" or "fr": the language the portal speaks to this person.</summary>
    public string? Culture { get; set; }
}

public static class Roles
{
    public const string Owner = "Owner";
    public const string Admin = "Admin";
    public const string Staff = "Staff";
    public const string Client = "Client";
    /// <summary>The firm's accountant: reads the books and downloads exports, changes nothing.</summary>
    public const string Accountant = "Accountant";

    public static readonly string[] All = [Owner, Admin, Staff, Client, Accountant];
}

public static class Policies
{
    /// <summary>Anyone working at the firm.</summary>
    public const string Staff = "staff";
    /// <summary>Owners and admins: integrations, policy, invitations.</summary>
    public const string FirmAdmin = "firm-admin";
    public const string Owner = "owner";
    public const string Client = "client";
    /// <summary>Owners, admins and the firm's accountant: the books and their exports, read-only.</summary>
    public const string Books = "books";
}
