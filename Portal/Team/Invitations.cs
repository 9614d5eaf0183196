using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Account;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Email;
using Portal.Localization;

namespace Portal.Team;

public sealed record PendingInvitation(Guid Id, string Email, string Role, Guid? ClientAccountId, string? ContactName, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Owners and admins invite people into their firm by email. Refusals are <see cref="DomainException"/>s whose
/// message is already in the user's language, so a page can show it as it is.
/// Inviting an address again replaces the earlier pending invitation (a fresh link, seven more days).
/// </summary>
public sealed class Invitations(
    IDbContextFactory<PortalDbContext> dbFactory, Mailer mailer, AccountLinks links, TimeProvider clock,
    AuthenticationStateProvider authentication, IHttpContextAccessor http, IStringLocalizer<Text> T)
{
    /// <summary>Invites a member of staff. <paramref name="role"/> is <see cref="Roles.Staff"/> or <see cref="Roles.Admin"/>.</summary>
    public async Task<PendingInvitation> InviteStaffAsync(string email, string role, CancellationToken cancellationToken = default)
    {
        if (role is not (Roles.Staff or Roles.Admin or Roles.Accountant))
            throw new DomainException(T["InvitationRoleInvalid"]);
        var (firmId, inviterId) = await RequireFirmAdminAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var normalized = await RequireNewAddressAsync(db, firmId, email, cancellationToken);
        var (token, hash) = SecretToken.Create();
        var invitation = Invitation.ForStaff(firmId, normalized, role, hash, inviterId, clock.GetUtcNow());
        return await SendAsync(db, invitation, token, cancellationToken);
    }

    /// <summary>Invites a contact of one of the firm's client accounts; the contact is created on acceptance if it does not exist.</summary>
    public async Task<PendingInvitation> InviteClientContactAsync(Guid clientAccountId, string name, string email, CancellationToken cancellationToken = default)
    {
        var (firmId, inviterId) = await RequireFirmAdminAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var client = await db.ClientAccounts.SingleOrDefaultAsync(c => c.Id == clientAccountId, cancellationToken)
            ?? throw new DomainException(T["InvitationClientNotFound"]);
        if (name.Trim().Length is 0 or > 200)
            throw new DomainException(T["ContactNameInvalid"]);
        var normalized = await RequireNewAddressAsync(db, firmId, email, cancellationToken);
        var (token, hash) = SecretToken.Create();
        var invitation = Invitation.ForContact(client, name, normalized, hash, inviterId, clock.GetUtcNow());
        return await SendAsync(db, invitation, token, cancellationToken);
    }

    /// <summary>Invitations of the current firm not yet accepted, revoked or expired, newest first.</summary>
    public async Task<IReadOnlyList<PendingInvitation>> ListPendingAsync(CancellationToken cancellationToken = default)
    {
        await RequireFirmAdminAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var pending = await db.Set<Invitation>()
            .Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .OrderByDescending(i => i.CreatedAt).Take(200).ToListAsync(cancellationToken);
        return pending.Select(ToPending).ToList();
    }

    public async Task RevokeAsync(Guid invitationId, CancellationToken cancellationToken = default)
    {
        await RequireFirmAdminAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invitation = await db.Set<Invitation>().SingleOrDefaultAsync(i => i.Id == invitationId, cancellationToken)
            ?? throw new DomainException(T["InvitationNotFound"]);
        if (invitation.AcceptedAt is not null)
            throw new DomainException(T["InvitationAlreadyAccepted"]);
        invitation.Revoke(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Sends a pending invitation again with a fresh link; the earlier link stops working. The stored copy of the
    /// earlier email has its link hidden, so a new email is the only way to hand someone a working link again.
    /// </summary>
    public async Task<PendingInvitation> ResendAsync(Guid invitationId, CancellationToken cancellationToken = default)
    {
        var (_, inviterId) = await RequireFirmAdminAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var earlier = await db.Set<Invitation>().SingleOrDefaultAsync(i => i.Id == invitationId, cancellationToken)
            ?? throw new DomainException(T["InvitationNotFound"]);
        if (earlier.AcceptedAt is not null)
            throw new DomainException(T["InvitationAlreadyAccepted"]);
        if (earlier.RevokedAt is not null || earlier.ExpiresAt <= now)
            throw new DomainException(T["InvitationNotFound"]);
        var (token, hash) = SecretToken.Create();
        Invitation invitation;
        if (earlier.ClientAccountId is { } clientAccountId)
        {
            var client = await db.ClientAccounts.SingleOrDefaultAsync(c => c.Id == clientAccountId, cancellationToken)
                ?? throw new DomainException(T["InvitationClientNotFound"]);
            invitation = Invitation.ForContact(client, earlier.ContactName ?? "", earlier.Email, hash, inviterId, now);
        }
        else
        {
            invitation = Invitation.ForStaff(earlier.FirmId, earlier.Email, earlier.Role, hash, inviterId, now);
        }
        // SendAsync revokes the earlier invitation to the same address.
        return await SendAsync(db, invitation, token, cancellationToken);
    }

    /// <summary>
    /// Someone opened a pay link that was emailed to an address with no sign-in, at a firm where guests may not pay:
    /// that address gets an invitation to the client's portal, so the client is not left waiting for a sign-in link that
    /// cannot come. Only that mailbox can accept it, so whoever holds the pay link gains nothing; and none is sent while
    /// one is still waiting there, so a link opened again and again does not fill the client's inbox. Nothing is sent
    /// when the address signs in to this firm already (as staff or another client's contact).
    /// </summary>
    public async Task InviteLinkRecipientAsync(Guid firmId, Guid clientAccountId, string email, CancellationToken cancellationToken = default)
    {
        string normalized;
        try
        {
            normalized = EmailAddress.Normalize(email);
        }
        catch (DomainException)
        {
            return; // a link handed out with no address (a statement's, printed) has no one to invite
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var upper = normalized.ToUpperInvariant();
        if (await db.Users.AnyAsync(u => u.FirmId == firmId && u.NormalizedEmail == upper, cancellationToken)
            || await db.Set<Invitation>().IgnoreQueryFilters()
                .AnyAsync(i => i.FirmId == firmId && i.Email == normalized && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, cancellationToken))
            return;
        var client = await db.ClientAccounts.IgnoreQueryFilters().SingleAsync(c => c.Id == clientAccountId && c.FirmId == firmId, cancellationToken);
        var (token, hash) = SecretToken.Create();
        await SendAsync(db, Invitation.ForContact(client, client.Name, normalized, hash, Invitation.SentForPayLink, now), token, cancellationToken);
    }

    /// <summary>
    /// Stores the invitation, withdraws earlier ones to the same address in its firm, and emails its link. The firm is
    /// named explicitly: a visitor opening a pay link reaches here with no firm of their own.
    /// </summary>
    private async Task<PendingInvitation> SendAsync(PortalDbContext db, Invitation invitation, string token, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var earlier in await db.Set<Invitation>().IgnoreQueryFilters()
            .Where(i => i.FirmId == invitation.FirmId && i.Email == invitation.Email && i.AcceptedAt == null && i.RevokedAt == null).ToListAsync(cancellationToken))
            earlier.Revoke(now);
        var firm = await db.Firms.IgnoreQueryFilters().Where(f => f.Id == invitation.FirmId).Select(f => new { f.Name, f.TimeZone }).SingleAsync(cancellationToken);
        var firmName = firm.Name;
        db.Add(invitation);
        mailer.QueueWithSecretLink(db, invitation.FirmId, invitation.Email,
            T["InvitationEmailSubject", firmName],
            T["InvitationEmailBody", firmName, Components.Shared.DateFormat.Show(invitation.ExpiresAt, new Domain.Firms.BusinessCalendar(firm.TimeZone))],
            links.To($"Account/AcceptInvitation/{token}"), T["AcceptInvitation"]);
        await db.SaveChangesAsync(cancellationToken);
        mailer.Flush();
        return ToPending(invitation);
    }

    /// <summary>
    /// The address, normalized, unless someone in this firm already signs in with it. A sign-in with another firm is
    /// not the inviter's business: the invitation goes out the same, and only its recipient learns, on accepting,
    /// that the address is taken.
    /// </summary>
    private async Task<string> RequireNewAddressAsync(PortalDbContext db, Guid firmId, string email, CancellationToken cancellationToken)
    {
        string normalized;
        try
        {
            normalized = EmailAddress.Normalize(email);
        }
        catch (DomainException)
        {
            throw new DomainException(T["EmailInvalid"]);
        }
        var upper = normalized.ToUpperInvariant();
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == upper && u.FirmId == firmId, cancellationToken))
            throw new DomainException(T["EmailAlreadyInFirm"]);
        return normalized;
    }

    private async Task<(Guid FirmId, string UserId)> RequireFirmAdminAsync()
    {
        ClaimsPrincipal user;
        try
        {
            user = (await authentication.GetAuthenticationStateAsync()).User;
        }
        catch (InvalidOperationException)
        {
            // Called outside a component (an endpoint): the request carries the user.
            user = http.HttpContext?.User ?? new ClaimsPrincipal();
        }
        if (Tenancy.PortalClaims.FirmId(user) is not { } firmId || user.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId
            || !(user.IsInRole(Roles.Owner) || user.IsInRole(Roles.Admin)))
            throw new DomainException(T["InvitationNotAllowed"]);
        return (firmId, userId);
    }

    private static PendingInvitation ToPending(Invitation i) => new(i.Id, i.Email, i.Role, i.ClientAccountId, i.ContactName, i.CreatedAt, i.ExpiresAt);
}
