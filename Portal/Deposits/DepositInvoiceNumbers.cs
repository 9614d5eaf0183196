using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Invoices;

namespace Portal.Deposits;

/// <summary>
/// The firm's deposit-invoice sequence, locked for the rest of the caller's transaction, the way credit notes lock
/// theirs (docs/decisions/0019, 0027): concurrent deposits queue here instead of taking the same number, and only
/// deposits take this lock, so invoices and credit notes never wait on it.
/// </summary>
public static class DepositInvoiceNumbers
{
    /// <summary>
    /// Loads (or starts) the sequence, locked: SELECT … FOR UPDATE on PostgreSQL, the database's write lock on SQLite.
    /// Two first deposits of a firm racing to start its sequence collide on its key; the loser's transaction rolls back
    /// and is run again, as any conflict is. Call inside a transaction.
    /// </summary>
    public static async Task<DepositInvoiceSequence> LockedSequenceAsync(PortalDbContext db, Guid firmId, CancellationToken cancellationToken = default)
    {
        var sequences = db.DepositInvoiceSequences.IgnoreQueryFilters().Where(s => s.FirmId == firmId);
        DepositInvoiceSequence? sequence;
        if (db.Database.IsNpgsql())
            sequence = await sequences.TagWith(RowLocks.ForUpdate).FirstOrDefaultAsync(cancellationToken);
        else
        {
            await sequences.ExecuteUpdateAsync(s => s.SetProperty(q => q.Next, q => q.Next), cancellationToken);
            sequence = await sequences.FirstOrDefaultAsync(cancellationToken);
        }
        if (sequence is null)
        {
            sequence = new DepositInvoiceSequence(firmId);
            db.DepositInvoiceSequences.Add(sequence);
        }
        return sequence;
    }
}
