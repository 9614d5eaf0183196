using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Books;
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
        var keys = list.Select(t => AccountingPeriod.Of(t.OccurredAt)).Select(m => m.Year * 100 + m.Month).Distinct().ToArray();
        // By the transactions' own firm: seeding and provider work may save through a context serving no tenant.
        var closed = await db.ClosedPeriods.IgnoreQueryFilters().AsNoTracking()
            .Where(p => firmIds.Contains(p.FirmId) && keys.Contains(p.Year * 100 + p.Month))
            .Select(p => new { p.FirmId, p.Year, p.Month }).ToListAsync(cancellationToken);
        if (closed.Count == 0)
            return;
        foreach (var transaction in list)
            PeriodLock.EnsureOpen(transaction.OccurredAt, closed.Where(c => c.FirmId == transaction.FirmId).Select(c => new AccountingPeriod(c.Year, c.Month)).ToList());
    }
}
