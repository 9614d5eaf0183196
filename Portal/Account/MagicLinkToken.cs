using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain;

namespace Portal.Account;

/// <summary>A one-time sign-in link emailed to a client contact. Valid for 15 minutes, once.</summary>
public sealed class MagicLinkToken : ITenantOwned
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private MagicLinkToken() { }

    public MagicLinkToken(string userId, Guid firmId, string tokenHash, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7();
        UserId = userId;
        FirmId = firmId;
        TokenHash = tokenHash;
        CreatedAt = now;
        ExpiresAt = now + Lifetime;
    }

    public Guid Id { get; private set; }
    public string UserId { get; private set; } = "";
    public Guid FirmId { get; private set; }
    public string TokenHash { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? UsedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }

    public bool IsOutstanding(DateTimeOffset now) => UsedAt is null && RevokedAt is null && ExpiresAt > now;

    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;
}

internal sealed class MagicLinkTokenConfiguration : IEntityTypeConfiguration<MagicLinkToken>
{
    public void Configure(EntityTypeBuilder<MagicLinkToken> token)
    {
        token.ToTable("MagicLinkTokens");
        token.HasKey(t => t.Id);
        token.Property(t => t.UserId).HasMaxLength(450);
        token.Property(t => t.TokenHash).HasMaxLength(64);
        token.HasIndex(t => t.TokenHash).IsUnique();
        token.HasIndex(t => new { t.UserId, t.CreatedAt });
        token.HasOne<PortalUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
