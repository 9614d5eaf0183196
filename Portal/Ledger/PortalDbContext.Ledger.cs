using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Books;
using Portal.Domain.Ledger;
using Portal.Ledger;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<LedgerTransaction> LedgerTransactions => Set<LedgerTransaction>();
    public DbSet<Posting> Postings => Set<Posting>();
    public DbSet<IdempotentRequest> IdempotentRequests => Set<IdempotentRequest>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var autoDetect = DetectChangesOnce();
        try
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var autoDetect = DetectChangesOnce();
        try
        {
            var newTransactions = ChangeTracker.Entries<LedgerTransaction>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
            if (newTransactions.Count > 0)
                await PeriodGuard.EnsureOpenAsync(this, newTransactions, cancellationToken);
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    /// <summary>
    /// Compares the tracked entities with their snapshots once, checks the ledger is only appended to, and turns
    /// automatic detection off for the rest of this save: EF and the interceptors would otherwise compare every
    /// entity again each time they look at the tracker. Returns the setting to restore.
    /// </summary>
    internal bool DetectChangesOnce()
    {
        var autoDetect = ChangeTracker.AutoDetectChangesEnabled;
        if (autoDetect)
            ChangeTracker.DetectChanges();
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            EnsureAppendOnly();
        }
        catch
        {
            ChangeTracker.AutoDetectChangesEnabled = autoDetect;
            throw;
        }
        return autoDetect;
    }

    // The ledger and the audit log are history: a mistake is corrected by a new entry, never by an edit.
    private void EnsureAppendOnly()
    {
        var edited = ChangeTracker.Entries()
            .FirstOrDefault(e => e.Entity is LedgerTransaction or Posting or AuditEntry && e.State is EntityState.Modified or EntityState.Deleted);
        if (edited is not null)
            throw new InvalidOperationException($"{edited.Entity.GetType().Name} rows are append-only; record a new entry instead.");
    }
}
