using Microsoft.EntityFrameworkCore;
using Portal.Domain.Invoices;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<CreditNote> CreditNotes => Set<CreditNote>();
    public DbSet<CreditNoteSequence> CreditNoteSequences => Set<CreditNoteSequence>();
}
