using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Data;
using Portal.Domain.Invoices;

namespace Portal.Invoices.Delivery;

/// <summary>
/// Puts "paid" on an invoice's timeline in the save that makes it paid, whichever way the money came (card, direct
/// debit, transfer, credit): every such change goes through a SaveChanges or a batched save of the invoice.
/// </summary>
internal sealed class PaidOnTimeline(TimeProvider clock) : ISaveChangesInterceptor, IBatchedSaveInterceptor
{
    public void SavingInBatch(PortalDbContext db, IReadOnlyList<object> newRows) => Add(db);

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Add(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Add(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Add(DbContext? context)
    {
        if (context is not PortalDbContext db)
            return;
        List<Invoice>? paid = null;
        foreach (var entry in db.ChangeTracker.Entries<Invoice>())
            if (entry.State == EntityState.Modified && entry.Entity.Status == InvoiceStatus.Paid
                && entry.Property(i => i.Status).OriginalValue != InvoiceStatus.Paid)
                (paid ??= []).Add(entry.Entity);
        if (paid is null)
            return;
        // A save tried again on the same context (after a conflict) already holds its entries.
        var already = db.ChangeTracker.Entries<InvoiceTimelineEntry>()
            .Where(e => e.State == EntityState.Added && e.Entity.Kind == InvoiceTimelineKind.Paid).Select(e => e.Entity.InvoiceId).ToHashSet();
        var now = clock.GetUtcNow();
        foreach (var invoice in paid.Where(i => !already.Contains(i.Id)))
            db.Add(InvoiceTimelineEntry.Paid(invoice, now));
    }
}
