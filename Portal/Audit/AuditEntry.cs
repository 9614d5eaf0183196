using Portal.Domain;

namespace Portal.Audit;

/// <summary>
/// One staff action on money, written in the same database transaction as the action itself so the log
/// never misses a change nor records one that did not happen. Append-only.
/// </summary>
public sealed class AuditEntry : ITenantOwned
{
    private AuditEntry() { }

    public AuditEntry(Guid firmId, AuditActor actor, string action, string subjectType, Guid subjectId, string? before, string? after, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        UserId = actor.UserId;
        UserName = Trim(actor.Name, 200);
        Action = Trim(action, 80);
        SubjectType = Trim(subjectType, 40);
        SubjectId = subjectId;
        Before = before is null ? null : Trim(before, 1000);
        After = after is null ? null : Trim(after, 1000);
        At = at;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public string? UserId { get; private set; }
    public string UserName { get; private set; } = "";
    /// <summary>What was done, e.g. "Manual payment recorded", "Credit applied".</summary>
    public string Action { get; private set; } = "";
    /// <summary>"Payment", "Invoice", "Wallet".</summary>
    public string SubjectType { get; private set; } = "";
    public Guid SubjectId { get; private set; }
    /// <summary>A short summary of the state before, for people ("Open, 120.00 EUR due").</summary>
    public string? Before { get; private set; }
    public string? After { get; private set; }
    public DateTimeOffset At { get; private set; }

    private static string Trim(string text, int max) => text.Length > max ? text[..max] : text;
}

/// <summary>Who acted: a signed-in person, or the system for provider events and jobs.</summary>
public sealed record AuditActor(string? UserId, string Name, bool IsStaff)
{
    public static AuditActor System { get; } = new(null, "System", false);
}
