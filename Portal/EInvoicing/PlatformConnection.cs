using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Integrations;

namespace Portal.EInvoicing;

/// <summary>
/// A firm's connection to its approved e-invoicing platform (XP Z12-013 Flow Service): where it is and the OAuth2
/// client the platform gave the firm. The client secret is stored only as Data Protection ciphertext, beside a masked
/// hint that is all a page or a log shows. One per firm: connecting again replaces it.
/// </summary>
public sealed class PlatformConnection : ITenantOwned
{
    private PlatformConnection() { }

    public PlatformConnection(Guid firmId, DateTimeOffset connectedAt)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        ConnectedAt = connectedAt;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public string BaseUrl { get; private set; } = "";
    public string ClientId { get; private set; } = "";
    public string ClientSecretProtected { get; private set; } = "";
    public string ClientSecretHint { get; private set; } = "";
    public DateTimeOffset ConnectedAt { get; private set; }
    public DateTimeOffset? LastVerifiedAt { get; private set; }

    /// <summary>Refuses what could never work (a relative or non-HTTP address, an empty client), with a message the owner can act on.</summary>
    public void SetCredentials(string baseUrl, string clientId, ProtectedSecret clientSecret, DateTimeOffset now)
    {
        if (!Uri.TryCreate(baseUrl?.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
            throw new DomainException("The platform address must be a full https:// URL, as the platform gave it (ending in /flow-service).");
        if (string.IsNullOrWhiteSpace(clientId))
            throw new DomainException("The OAuth2 client id is required.");
        if (clientId.Trim().Length > 200)
            throw new DomainException("The OAuth2 client id is at most 200 characters.");
        BaseUrl = url.AbsoluteUri.TrimEnd('/');
        ClientId = clientId.Trim();
        (ClientSecretProtected, ClientSecretHint) = (clientSecret.Ciphertext, clientSecret.Hint);
        ConnectedAt = now;
        // New credentials may be refused: what was verified before no longer holds.
        LastVerifiedAt = null;
    }

    public void MarkVerified(DateTimeOffset now) => LastVerifiedAt = now;
}

internal sealed class PlatformConnectionConfiguration : IEntityTypeConfiguration<PlatformConnection>
{
    public void Configure(EntityTypeBuilder<PlatformConnection> connection)
    {
        connection.ToTable("EInvoicingPlatformConnections");
        connection.HasKey(c => c.Id);
        connection.HasOne<Firm>().WithMany().HasForeignKey(c => c.FirmId).OnDelete(DeleteBehavior.Cascade);
        connection.HasIndex(c => c.FirmId).IsUnique();
        connection.Property(c => c.BaseUrl).HasMaxLength(500);
        connection.Property(c => c.ClientId).HasMaxLength(200);
        connection.Property(c => c.ClientSecretProtected).HasMaxLength(4000);
        connection.Property(c => c.ClientSecretHint).HasMaxLength(40);
    }
}
