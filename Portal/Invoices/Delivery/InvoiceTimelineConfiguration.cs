using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Invoices;

namespace Portal.Invoices.Delivery;

internal sealed class InvoiceTimelineConfiguration : IEntityTypeConfiguration<InvoiceTimelineEntry>
{
    public void Configure(EntityTypeBuilder<InvoiceTimelineEntry> entry)
    {
        entry.ToTable("InvoiceTimeline");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Recipient).HasMaxLength(254);
        entry.Property(e => e.ActorName).HasMaxLength(200);
        entry.HasIndex(e => new { e.InvoiceId, e.At });
        entry.HasOne<Invoice>().WithMany().HasForeignKey(e => e.InvoiceId).OnDelete(DeleteBehavior.Cascade);
    }
}
