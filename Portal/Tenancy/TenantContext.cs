using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace Portal.Tenancy;

/// <summary>
/// Who the current request, circuit or job acts for: a firm, and for a client contact also its client account.
/// The data layer filters every tenant-owned query on it; with no tenant, those queries return nothing.
/// </summary>
public sealed class TenantContext(IHttpContextAccessor http, IServiceProvider services)
{
    private (Guid? Firm, Guid? Client)? _explicit;

    /// <summary>For background work: act for one firm (and optionally one client account).</summary>
    public void ActFor(Guid firmId, Guid? clientAccountId = null) => _explicit = (firmId, clientAccountId);

    public Guid? FirmId => Resolve().Firm;

    /// <summary>Set only for client contacts: they see their own account's rows and nothing else.</summary>
    public Guid? ClientAccountId => Resolve().Client;

    private (Guid? Firm, Guid? Client) Resolve()
    {
        if (_explicit is { } set)
            return set;
        var user = CurrentUser();
        return user is null ? (null, null) : (PortalClaims.FirmId(user), PortalClaims.ClientAccountId(user));
    }

    /// <summary>The signed-in person of this request or circuit, if any.</summary>
    public ClaimsPrincipal? CurrentUser()
    {
        if (http.HttpContext?.User is { Identity.IsAuthenticated: true } httpUser)
            return httpUser;
        // Inside an interactive circuit there is no request; the circuit's authentication state is already
        // known by then (set when the circuit started), so reading the completed task does not block.
        if (services.GetService<AuthenticationStateProvider>() is { } provider)
        {
            try
            {
                var state = provider.GetAuthenticationStateAsync();
                if (state.IsCompletedSuccessfully && state.Result.User.Identity?.IsAuthenticated == true)
                    return state.Result.User;
            }
            catch (InvalidOperationException)
            {
                // Outside a circuit the provider has no state yet; there is no user to act for.
            }
        }
        return null;
    }
}

/// <summary>The claims Portal adds to a signed-in user, and how to read them.</summary>
public static class PortalClaims
{
    public const string Firm = "portal:firm";
    public const string FirmKey = "portal:firm-key";
    public const string ClientAccount = "portal:client";
    public const string DisplayName = "portal:name";

    public static Guid? FirmId(ClaimsPrincipal user) => ReadGuid(user, Firm);
    public static Guid? ClientAccountId(ClaimsPrincipal user) => ReadGuid(user, ClientAccount);

    private static Guid? ReadGuid(ClaimsPrincipal user, string type) =>
        Guid.TryParse(user.FindFirstValue(type), out var id) ? id : null;
}
