using Portal.Data;

namespace Portal.Audit;

/// <summary>
/// Adds an audit entry for what a person did to the unit of work that does it, so it is saved with the change
/// or not at all. Work done by the system (jobs, provider events) is not audited here.
/// </summary>
public sealed class AuditRecorder(CurrentActor actor, TimeProvider clock)
{
    public void Record(PortalDbContext db, string action, string subjectType, Guid subjectId, string? before, string? after)
    {
        var who = actor.Current;
        if (who.UserId is not null && db.Tenant.FirmId is { } firmId)
            db.AuditEntries.Add(new AuditEntry(firmId, who, action, subjectType, subjectId, before, after, clock.GetUtcNow()));
    }
}
