using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Firms;

namespace Portal.Firms;

internal sealed class FirmConfiguration : IEntityTypeConfiguration<Firm>
{
    public void Configure(EntityTypeBuilder<Firm> firm)
    {
        firm.HasKey(f => f.Id);
        firm.HasIndex(f => f.Key).IsUnique();
        firm.Property(f => f.Key).HasMaxLength(40);
        firm.Property(f => f.Name).HasMaxLength(120);
        firm.Property(f => f.InvoicePrefix).HasMaxLength(12);
        firm.Property(f => f.PrimaryColor).HasMaxLength(7);
        firm.Property(f => f.LogoDataUrl).HasMaxLength(200_000);
        // Two invoices issued at once must not take the same number: the counter is a concurrency token.
        firm.Property(f => f.NextInvoiceNumber).IsConcurrencyToken();
        firm.ComplexProperty(f => f.Policy);
    }
}
