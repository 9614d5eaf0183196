using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Account;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;

namespace Portal.Team;

/// <summary>
/// An emailed invitation to join a firm: as staff (role Staff or Admin) or as a contact of one client account
/// (role Client). Accepting it creates the sign-in; it works once, for seven days.
/// </summary>
public sealed class Invitation : ITenantOwned
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    private Invitation() { }

    private Invitation(Guid firmId, string email, string role, Guid? clientAccountId, string? contactName, string tokenHash, string invitedByUserId, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        Email = EmailAddress.Normalize(email);
        Role = role;
        ClientAccountId = clientAccountId;
        ContactName = contactName;
        TokenHash = tokenHash;
        InvitedByUserId = invitedByUserId;
        CreatedAt = now;
        ExpiresAt = now + Lifetime;
    }

    /// <summary>Who invited, for an invitation no person sent: the app's, when a pay link's recipient had no sign-in.</summary>
    public const string SentForPayLink = "pay-link";

    public static Invitation ForStaff(Guid firmId, string email, string role, string tokenHash, string invitedByUserId, DateTimeOffset now)
    {
        if (role is not (Roles.Staff or Roles.Admin or Roles.Accountant))
            throw new DomainException("Staff are invited as Staff, Admin or Accountant.");
        return new Invitation(firmId, email, role, null, null, tokenHash, invitedByUserId, now);
    }

    public static Invitation ForContact(ClientAccount client, string contactName, string email, string tokenHash, string invitedByUserId, DateTimeOffset now)
    {
        contactName = contactName.Trim();
        if (contactName.Length is 0 or > 200)
            throw new DomainException("A contact name must have between 1 and 200 characters.");
        return new Invitation(client.FirmId, email, Roles.Client, client.Id, contactName, tokenHash, invitedByUserId, now);
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public string Email { get; private set; } = "";
    public string Role { get; private set; } = "";
    /// <summary>Set for client contacts: the account the new sign-in belongs to.</summary>
    public Guid? ClientAccountId { get; private set; }
    public string? ContactName { get; private set; }
    public string TokenHash { get; private set; } = "";
    public string InvitedByUserId { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? AcceptedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }

    public bool IsPending(DateTimeOffset now) => AcceptedAt is null && RevokedAt is null && ExpiresAt > now;

    public void Revoke(DateTimeOffset now)
    {
        if (AcceptedAt is not null)
            throw new DomainException("This invitation has already been accepted.");
        RevokedAt ??= now;
    }
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> invitation)
    {
        invitation.ToTable("Invitations");
        invitation.HasKey(i => i.Id);
        invitation.HasOne<Firm>().WithMany().HasForeignKey(i => i.FirmId).OnDelete(DeleteBehavior.Cascade);
        invitation.HasOne<ClientAccount>().WithMany().HasForeignKey(i => i.ClientAccountId).OnDelete(DeleteBehavior.Cascade);
        invitation.Property(i => i.Email).HasMaxLength(254);
        invitation.Property(i => i.Role).HasMaxLength(20);
        invitation.Property(i => i.ContactName).HasMaxLength(200);
        invitation.Property(i => i.TokenHash).HasMaxLength(64);
        invitation.Property(i => i.InvitedByUserId).HasMaxLength(450);
        invitation.HasIndex(i => i.TokenHash).IsUnique();
        invitation.HasIndex(i => new { i.FirmId, i.Email });
    }
}
