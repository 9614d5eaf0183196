using System.Security.Claims;
using Portal.Account;
using Portal.Tenancy;

namespace Portal.Audit;

/// <summary>Who is acting in this scope, for the audit log: the signed-in person, or the system for background work.</summary>
public sealed class CurrentActor(TenantContext tenant)
{
    private AuditActor? _explicit;

    /// <summary>For jobs and tests: act as this person (or <see cref="AuditActor.System"/>).</summary>
    public void ActAs(AuditActor actor) => _explicit = actor;

    public AuditActor Current => _explicit ?? FromUser(tenant.CurrentUser()) ?? AuditActor.System;

    private static AuditActor? FromUser(ClaimsPrincipal? user)
    {
        if (user?.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id)
            return null;
        var name = user.FindFirstValue(PortalClaims.DisplayName) is { Length: > 0 } display ? display : user.Identity?.Name ?? id;
        return new AuditActor(id, name, !user.IsInRole(Roles.Client));
    }
}
