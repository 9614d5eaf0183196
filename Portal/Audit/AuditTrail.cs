using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Audit;

/// <summary>What to look for in the audit log; every part optional.</summary>
public sealed record AuditQuery(string? SubjectType = null, Guid? SubjectId = null, string? UserId = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int Take = 200);

/// <summary>Reads the firm's audit log of staff money actions, newest first.</summary>
public sealed class AuditTrail(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<IReadOnlyList<AuditEntry>> FindAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Client contacts have no business reading the firm's log.
        if (db.Tenant.ClientAccountId is not null)
            return [];
        var entries = db.AuditEntries.AsNoTracking();
        if (query.SubjectType is { } type)
            entries = entries.Where(e => e.SubjectType == type);
        if (query.SubjectId is { } id)
            entries = entries.Where(e => e.SubjectId == id);
        if (query.UserId is { } user)
            entries = entries.Where(e => e.UserId == user);
        if (query.From is { } from)
            entries = entries.Where(e => e.At >= from);
        if (query.To is { } to)
            entries = entries.Where(e => e.At < to);
        return await entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(Math.Clamp(query.Take, 1, 1000)).ToListAsync(cancellationToken);
    }
}
