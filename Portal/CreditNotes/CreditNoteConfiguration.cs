using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Invoices;

namespace Portal.CreditNotes;

internal sealed class CreditNoteConfiguration : IEntityTypeConfiguration<CreditNote>
{
    public void Configure(EntityTypeBuilder<CreditNote> note)
    {
        note.HasKey(n => n.Id);
        // A number is given once per firm; the sequence's row lock makes that so, the index proves it.
        note.HasIndex(n => new { n.FirmId, n.Number }).IsUnique();
        note.HasIndex(n => n.InvoiceId);
        // One credit note per ledger transaction. No foreign key to the ledger: ledger rows carry none either, and
        // a batched save writes its tables in its own order.
        note.HasIndex(n => n.LedgerTransactionId).IsUnique();
        note.HasOne<Invoice>().WithMany().HasForeignKey(n => n.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        note.Property(n => n.Number).HasMaxLength(30);
        note.Property(n => n.InvoiceNumber).HasMaxLength(30);
        note.Property(n => n.Reason).HasMaxLength(500);
        note.HasMany(n => n.Lines).WithOne().HasForeignKey(l => l.CreditNoteId).OnDelete(DeleteBehavior.Cascade);
        note.Navigation(n => n.Lines).HasField("_lines");
        note.Ignore(n => n.Total);
        note.Ignore(n => n.Tax);
        note.Ignore(n => n.Net);
    }
}

internal sealed class CreditNoteLineConfiguration : IEntityTypeConfiguration<CreditNoteLine>
{
    public void Configure(EntityTypeBuilder<CreditNoteLine> line) => line.HasKey(l => l.Id);
}

internal sealed class CreditNoteSequenceConfiguration : IEntityTypeConfiguration<CreditNoteSequence>
{
    public void Configure(EntityTypeBuilder<CreditNoteSequence> sequence)
    {
        sequence.HasKey(s => s.FirmId);
        sequence.Property(s => s.FirmId).ValueGeneratedNever();
        sequence.Property(s => s.Prefix).HasMaxLength(12);
        // Two credit notes issued at once must not take the same number: the counter is a concurrency token too.
        sequence.Property(s => s.Next).IsConcurrencyToken();
    }
}
