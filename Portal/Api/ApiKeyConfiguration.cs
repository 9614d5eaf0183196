using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.ApiKeys;

namespace Portal.Api;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> key)
    {
        key.HasKey(k => k.Id);
        // A request names its key by the prefix before any firm is known, so the prefix is unique across firms.
        key.HasIndex(k => k.Prefix).IsUnique();
        key.HasIndex(k => new { k.FirmId, k.CreatedAt });
        key.Property(k => k.Name).HasMaxLength(100);
        key.Property(k => k.Prefix).HasMaxLength(40);
        key.Property(k => k.SecretHash).HasMaxLength(32);
    }
}

internal sealed class ApiIdempotencyRecordConfiguration : IEntityTypeConfiguration<ApiIdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<ApiIdempotencyRecord> record)
    {
        record.HasKey(r => r.Id);
        record.HasIndex(r => new { r.FirmId, r.Key }).IsUnique();
        record.HasIndex(r => r.CreatedAt);
        record.Property(r => r.Key).HasMaxLength(ApiIdempotencyRecord.MaxKeyLength);
        record.Property(r => r.RequestHash).HasMaxLength(32);
        record.Property(r => r.Location).HasMaxLength(300);
    }
}
