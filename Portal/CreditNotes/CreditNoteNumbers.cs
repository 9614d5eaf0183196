using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Invoices;

namespace Portal.CreditNotes;

/// <summary>
/// The firm's credit-note sequence, locked for the rest of the caller's transaction so that concurrent credit notes
/// queue here instead of taking the same number (docs/decisions/0019). Only credit notes take this lock, so issuing
/// invoices and other money operations never wait on it.
/// </summary>
public static class CreditNoteNumbers
{
    /// <summary>
    /// Loads (or starts) the sequence, locked: SELECT … FOR UPDATE on PostgreSQL, the database's write lock on SQLite.
    /// Two first credit notes of a firm racing to start its sequence collide on its key; the loser's transaction rolls
    /// back and is run again, as any conflict is. Call inside a transaction.
    /// </summary>
    public static async Task<CreditNoteSequence> LockedSequenceAsync(PortalDbContext db, Guid firmId, CancellationToken cancellationToken = default)
    {
        // By the firm's id, filters aside: seeding saves through a context that serves no tenant.
        var sequences = db.CreditNoteSequences.IgnoreQueryFilters().Where(s => s.FirmId == firmId);
        CreditNoteSequence? sequence;
        if (db.Database.IsNpgsql())
            sequence = await sequences.TagWith(RowLocks.ForUpdate).FirstOrDefaultAsync(cancellationToken);
        else
        {
            await sequences.ExecuteUpdateAsync(s => s.SetProperty(q => q.Next, q => q.Next), cancellationToken);
            sequence = await sequences.FirstOrDefaultAsync(cancellationToken);
        }
        if (sequence is null)
        {
            sequence = new CreditNoteSequence(firmId);
            db.CreditNoteSequences.Add(sequence);
        }
        return sequence;
    }
}
