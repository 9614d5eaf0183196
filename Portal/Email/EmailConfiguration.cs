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
        email.Property(e => e.LastError).HasMaxLength(EmailMessage.MaxErrorLength);
        email.Property(e => e.IdempotencyKey).HasMaxLength(EmailMessage.MaxIdempotencyKeyLength);
        email.Property(e => e.AttachmentKind).HasMaxLength(20);
        email.Property(e => e.AttachmentCulture).HasMaxLength(10);
        email.Property(e => e.AttachmentPeriod).HasMaxLength(30);
        email.Property(e => e.QrCodePayload).HasMaxLength(Documents.EpcPayload.MaxBytes);
        email.HasIndex(e => new { e.Status, e.CreatedAt });
        email.HasIndex(e => new { e.FirmId, e.CreatedAt });
        // The guard against a second send of the same email: both databases let NULL keys repeat.
        email.HasIndex(e => new { e.FirmId, e.IdempotencyKey }).IsUnique();
    }
}
