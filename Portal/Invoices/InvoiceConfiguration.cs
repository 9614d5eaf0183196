using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;

namespace Portal.Invoices;

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> invoice)
    {
        invoice.HasKey(i => i.Id);
        invoice.HasOne<ClientAccount>().WithMany().HasForeignKey(i => i.ClientAccountId).OnDelete(DeleteBehavior.Restrict);
        // Gapless numbering: a number is used once per firm, drafts have none.
        invoice.HasIndex(i => new { i.FirmId, i.Number }).IsUnique();
        invoice.HasIndex(i => new { i.FirmId, i.Status, i.DueDate });
        invoice.HasIndex(i => new { i.ClientAccountId, i.Status });
        // The staff list pages through a firm's invoices in the order of the column sorted on, the id breaking ties:
        // one index per sortable column walks straight to any page without sorting the firm's invoices.
        invoice.HasIndex(i => new { i.FirmId, i.DueDate, i.Id });
        invoice.HasIndex(i => new { i.FirmId, i.IssueDate, i.Id });
        invoice.HasIndex(i => new { i.FirmId, i.TotalMinor, i.Id });
        invoice.Property(i => i.Number).HasMaxLength(24);
        invoice.Property(i => i.Reference).HasMaxLength(100);
        invoice.Property(i => i.Notes).HasMaxLength(2000);
        invoice.Property(i => i.VoidReason).HasMaxLength(500);
        invoice.Property(i => i.Version).IsConcurrencyToken();
        invoice.Ignore(i => i.Subtotal);
        invoice.Ignore(i => i.Tax);
        invoice.Ignore(i => i.Total);
        invoice.Ignore(i => i.Paid);
        invoice.Ignore(i => i.Pending);
        invoice.Ignore(i => i.AmountDue);
        invoice.Ignore(i => i.AmountPayable);
        invoice.OwnsMany(i => i.Lines, line =>
        {
            line.ToTable("InvoiceLines");
            line.WithOwner().HasForeignKey("InvoiceId");
            line.HasKey(l => l.Id);
            line.Property(l => l.Description).HasMaxLength(500);
            line.Property(l => l.Quantity).HasPrecision(18, 3);
        });
        invoice.Navigation(i => i.Lines).HasField("_lines");
    }
}
