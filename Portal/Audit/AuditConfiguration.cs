using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> entry)
    {
        entry.HasKey(e => e.Id);
        entry.HasIndex(e => new { e.FirmId, e.At });
        entry.HasIndex(e => new { e.FirmId, e.SubjectType, e.SubjectId });
        entry.Property(e => e.UserId).HasMaxLength(450);
        entry.Property(e => e.UserName).HasMaxLength(200);
        entry.Property(e => e.Action).HasMaxLength(80);
        entry.Property(e => e.SubjectType).HasMaxLength(40);
        entry.Property(e => e.Before).HasMaxLength(1000);
        entry.Property(e => e.After).HasMaxLength(1000);
    }
}
