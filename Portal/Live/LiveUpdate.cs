using System.Security.Claims;
using System.Text.Json.Serialization;
using Portal.Account;
using Portal.Tenancy;

namespace Portal.Live;

/// <summary>
/// What goes to open pages and hub connections: what changed and its new status. No amounts or names, so a
/// message in the wrong hands says nothing; a page that hears it re-reads its data through its own filters.
/// </summary>
public sealed record LiveUpdate(LiveKind Kind, Guid FirmId, Guid? ClientAccountId, Guid SubjectId, string Status)
{
    /// <summary>Staff of the firm hear everything of the firm; a client's contacts only what concerns their account.</summary>
    [JsonIgnore]
    public IReadOnlyList<LiveAudience> Audiences =>
        ClientAccountId is { } client ? [LiveAudience.Firm(FirmId), LiveAudience.Client(client)] : [LiveAudience.Firm(FirmId)];
}

/// <summary>Who hears an update: the staff of one firm, or the contacts of one client account. Also the hub group name.</summary>
public readonly record struct LiveAudience(string Name)
{
    public static LiveAudience Firm(Guid firmId) => new($"firm:{firmId:N}");

    public static LiveAudience Client(Guid clientAccountId) => new($"client:{clientAccountId:N}");

    /// <summary>
    /// The one audience a signed-in person belongs to, read from the sign-in cookie only, never from anything
    /// the browser sends: a contact hears its own account, staff their firm, anyone else nothing.
    /// </summary>
    public static LiveAudience? Of(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true || PortalClaims.FirmId(user) is not { } firmId)
            return null;
        if (user.IsInRole(Roles.Client))
            return PortalClaims.ClientAccountId(user) is { } clientId ? Client(clientId) : null;
        return user.IsInRole(Roles.Owner) || user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Staff) ? Firm(firmId) : null;
    }

    public override string ToString() => Name;
}
