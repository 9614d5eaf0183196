using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Books;
using Portal.Domain.Ledger;

namespace Portal.Books;

/// <summary>What owners change in the books: the chart and journal codes, and closing months.</summary>
public sealed class BooksAdministration(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, CurrentActor actor, AuditRecorder audit)
{
    public async Task SaveChartAsync(ChartOfAccounts.Numbers numbers, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firmId = db.Tenant.FirmId ?? throw new DomainException("Sign in to a firm to change its books.");
        var chart = await db.ChartsOfAccounts.SingleOrDefaultAsync(cancellationToken);
        if (chart is null)
        {
            chart = ChartOfAccounts.Default(firmId, numbers.Language);
            db.ChartsOfAccounts.Add(chart);
        }
        var before = chart.Current.ToString();
        chart.Change(numbers);
        audit.Record(db, "Chart of accounts changed", "ChartOfAccounts", firmId, before, chart.Current.ToString());
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ClosedPeriod>> ClosedPeriodsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ClosedPeriods.AsNoTracking().OrderBy(p => p.Year).ThenBy(p => p.Month).ToListAsync(cancellationToken);
    }

    /// <summary>Closes a month: from now on nothing can be posted into it, and its entry numbers are final.</summary>
    public async Task CloseAsync(AccountingPeriod period, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firmId = db.Tenant.FirmId ?? throw new DomainException("Sign in to a firm to close its books.");
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
            // Waits for every ledger write already under way (they hold ROW EXCLUSIVE until they commit) and keeps new
            // ones out until the close is committed; SQLite's single writer lock does the same.
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE \"LedgerTransactions\" IN SHARE MODE", cancellationToken);
        var closed = await db.ClosedPeriods.Select(p => new AccountingPeriod(p.Year, p.Month)).ToListAsync(cancellationToken);
        var firstPosting = await db.LedgerTransactions.OrderBy(t => t.OccurredAt).Select(t => (DateTimeOffset?)t.OccurredAt).FirstOrDefaultAsync(cancellationToken);
        var calendar = await Portal.Firms.FirmCalendar.OfAsync(db, cancellationToken);
        var closing = PeriodLock.Close(firmId, period, closed, firstPosting is { } at ? calendar.PeriodOf(at) : null, calendar, clock.GetUtcNow(), actor.Current.Name);
        db.ClosedPeriods.Add(closing);
        audit.Record(db, "Period closed", "ClosedPeriod", closing.Id, null, period.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
