using Microsoft.EntityFrameworkCore;
using Portal.Audit;
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
        EnsureAppendOnly();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        EnsureAppendOnly();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
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
