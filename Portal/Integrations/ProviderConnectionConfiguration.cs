using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Firms;

namespace Portal.Integrations;

internal sealed class ProviderConnectionConfiguration : IEntityTypeConfiguration<ProviderConnection>
{
    public void Configure(EntityTypeBuilder<ProviderConnection> connection)
    {
        connection.HasKey(c => c.Id);
        connection.HasOne<Firm>().WithMany().HasForeignKey(c => c.FirmId).OnDelete(DeleteBehavior.Cascade);
        // One connection per provider per firm: reconnecting replaces the keys.
        connection.HasIndex(c => new { c.FirmId, c.Provider }).IsUnique();
        connection.Property(c => c.PublicKey).HasMaxLength(255);
        connection.Property(c => c.ApiSecretProtected).HasMaxLength(4000);
        connection.Property(c => c.ApiSecretHint).HasMaxLength(40);
        connection.Property(c => c.WebhookSecretProtected).HasMaxLength(4000);
        connection.Property(c => c.WebhookSecretHint).HasMaxLength(40);
        connection.Property(c => c.AccountId).HasMaxLength(255);
        connection.Property(c => c.AccountName).HasMaxLength(255);
    }
}
