using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Books;
using Portal.Domain.Firms;
using Portal.Domain.Ledger;

namespace Portal.Books;

/// <summary>
/// Refuses ledger transactions dated in a closed month, before anything is written. Every write of the ledger
/// passes here: the money operations (LedgerWriter) and the saves that add transactions themselves (invoice issue
/// and void). Closing takes a table lock on PostgreSQL so it waits for writers already past this check
/// (docs/decisions/0016).
/// </summary>
public static class PeriodGuard
{
    public static async Task EnsureOpenAsync(PortalDbContext db, IEnumerable<LedgerTransaction> transactions, CancellationToken cancellationToken = default)
    {
        var list = transactions.ToList();
        if (list.Count == 0)
            return;
        var firmIds = list.Select(t => t.FirmId).Distinct().ToArray();
        // A transaction's month is its firm's local month. Whatever the zone (UTC−12 to UTC+14), it is the UTC month
        // of one of these instants, so closed months are looked up without first reading the firms' time zones: the
        // zones are read only when one of those months is closed, which is rare (postings are dated now).
        var keys = list.SelectMany(t => new[] { t.OccurredAt.AddHours(-12), t.OccurredAt, t.OccurredAt.AddHours(14) })
            .Select(at => at.UtcDateTime.Year * 100 + at.UtcDateTime.Month).Distinct().ToArray();
        // By the transactions' own firm: seeding and provider work may save through a context serving no tenant.
        var closed = await db.ClosedPeriods.IgnoreQueryFilters().AsNoTracking()
            .Where(p => firmIds.Contains(p.FirmId) && keys.Contains(p.Year * 100 + p.Month))
            .Select(p => new { p.FirmId, p.Year, p.Month }).ToListAsync(cancellationToken);
        if (closed.Count == 0)
            return;
        var zones = await db.Firms.IgnoreQueryFilters().AsNoTracking().Where(f => firmIds.Contains(f.Id))
            .ToDictionaryAsync(f => f.Id, f => new BusinessCalendar(f.TimeZone), cancellationToken);
        foreach (var transaction in list)
            PeriodLock.EnsureOpen(transaction.OccurredAt, zones[transaction.FirmId],
                closed.Where(c => c.FirmId == transaction.FirmId).Select(c => new AccountingPeriod(c.Year, c.Month)).ToList());
    }
}
