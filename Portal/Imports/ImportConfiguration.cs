using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Firms;

namespace Portal.Imports;

internal sealed class ImportColumnMappingConfiguration : IEntityTypeConfiguration<ImportColumnMapping>
{
    public void Configure(EntityTypeBuilder<ImportColumnMapping> mapping)
    {
        mapping.HasKey(m => m.Id);
        mapping.HasOne<Firm>().WithMany().HasForeignKey(m => m.FirmId).OnDelete(DeleteBehavior.Cascade);
        mapping.HasIndex(m => new { m.FirmId, m.Kind }).IsUnique();
        mapping.Property(m => m.Kind).HasMaxLength(20);
        mapping.Property(m => m.Columns).HasMaxLength(4000);
        mapping.Ignore(m => m.Headers);
    }
}
