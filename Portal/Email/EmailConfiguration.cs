using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Email;

internal sealed class EmailConfiguration : IEntityTypeConfiguration<EmailMessage>
{
    public void Configure(EntityTypeBuilder<EmailMessage> email)
    {
        email.HasKey(e => e.Id);
        email.Property(e => e.To).HasMaxLength(254);
        email.Property(e => e.Subject).HasMaxLength(300);
        email.Property(e => e.TextBody).HasMaxLength(20_000);
        email.Property(e => e.HtmlBody).HasMaxLength(40_000);
        email.Property(e => e.LastError).HasMaxLength(500);
        email.HasIndex(e => new { e.Status, e.CreatedAt });
        email.HasIndex(e => new { e.FirmId, e.CreatedAt });
    }
}
