using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Domain;
using Portal.Email;
using Portal.Localization;

namespace Portal.Account;

public enum MagicLinkProblem { Unknown, Expired, Used, Revoked, Unavailable }

public sealed record MagicLinkCheck(PortalUser? User, MagicLinkProblem? Problem);

/// <summary>
/// Password-less sign-in for client contacts: an emailed link that works once within 15 minutes.
/// A request never reveals whether an address is known; a new link revokes the older ones.
/// </summary>
public sealed class MagicLinks(
    IDbContextFactory<PortalDbContext> dbFactory, UserManager<PortalUser> users, Mailer mailer, AccountLinks links, TimeProvider clock,
    IStringLocalizer<Text> T, ILogger<MagicLinks> logger)
{
    public const int MaxLinksPerHour = 5;

    /// <summary>Emails a sign-in link if the address belongs to a client contact; silently does nothing otherwise.</summary>
    /// <param name="returnUrl">A portal path to land on once signed in (a pay link's invoice); home when null.</param>
    public async Task RequestAsync(string email, string? returnUrl = null, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByEmailAsync(email.Trim());
        if (user is not { FirmId: { } firmId, ClientAccountId: not null } || !await users.IsInRoleAsync(user, Roles.Client))
            return;
        if (await users.IsLockedOutAsync(user))
            return;

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var tokens = db.Set<MagicLinkToken>().IgnoreQueryFilters();
        var recent = await tokens.CountAsync(t => t.UserId == user.Id && t.CreatedAt > now.AddHours(-1), cancellationToken);
        if (recent >= MaxLinksPerHour)
        {
            logger.LogWarning("Magic link not sent to user {UserId}: hourly limit reached", user.Id);
            return;
        }

        foreach (var older in await tokens.Where(t => t.UserId == user.Id && t.UsedAt == null && t.RevokedAt == null).ToListAsync(cancellationToken))
            older.Revoke(now);
        var (token, hash) = SecretToken.Create();
        db.Add(new MagicLinkToken(user.Id, firmId, hash, now));
        using (UserCulture.Use(user.Culture))
            mailer.QueueWithSecretLink(db, firmId, user.Email!, T["MagicLinkEmailSubject"], T["MagicLinkEmailBody"],
                links.To(returnUrl is null ? $"Account/MagicLink/{token}" : $"Account/MagicLink/{token}?ReturnUrl={Uri.EscapeDataString(Security.ReturnUrl.LocalOrHome(returnUrl))}"), T["SignIn"]);
        await db.SaveChangesAsync(cancellationToken);
        mailer.Flush();
    }

    /// <summary>Looks at a link without using it up (mail scanners open links; only the button press signs in).</summary>
    public async Task<MagicLinkCheck> CheckAsync(string token, CancellationToken cancellationToken = default)
    {
        var hash = SecretToken.HashOf(token);
        if (hash is null)
            return new(null, MagicLinkProblem.Unknown);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var link = await db.Set<MagicLinkToken>().IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (link is null)
            return new(null, MagicLinkProblem.Unknown);
        if (link.UsedAt is not null)
            return new(null, MagicLinkProblem.Used);
        if (link.RevokedAt is not null)
            return new(null, MagicLinkProblem.Revoked);
        if (link.ExpiresAt <= clock.GetUtcNow())
            return new(null, MagicLinkProblem.Expired);
        var user = await users.FindByIdAsync(link.UserId);
        if (user is null || await users.IsLockedOutAsync(user))
            return new(null, MagicLinkProblem.Unavailable);
        return new(user, null);
    }

    /// <summary>Uses the link up. The conditional update makes two simultaneous presses sign in at most once.</summary>
    public async Task<MagicLinkCheck> ConsumeAsync(string token, CancellationToken cancellationToken = default)
    {
        var check = await CheckAsync(token, cancellationToken);
        if (check.User is null)
            return check;
        var hash = SecretToken.HashOf(token);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var taken = await db.Set<MagicLinkToken>().IgnoreQueryFilters()
            .Where(t => t.TokenHash == hash && t.UsedAt == null && t.RevokedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), cancellationToken);
        return taken == 1 ? check : new(null, MagicLinkProblem.Used);
    }

    /// <summary>Staff: revokes every outstanding link of one client contact's sign-in in the current firm. Returns how many.</summary>
    public async Task<int> RevokeForUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firmId = db.Tenant.FirmId ?? throw new DomainException("Only firm staff can revoke sign-in links.");
        var now = clock.GetUtcNow();
        // The tenant filter keeps this inside the firm.
        return await db.Set<MagicLinkToken>()
            .Where(t => t.FirmId == firmId && t.UserId == userId && t.UsedAt == null && t.RevokedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
    }

    /// <summary>Staff: revokes the outstanding links of every contact of one client account. Returns how many.</summary>
    public async Task<int> RevokeForClientAccountAsync(Guid clientAccountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firmId = db.Tenant.FirmId ?? throw new DomainException("Only firm staff can revoke sign-in links.");
        var now = clock.GetUtcNow();
        var userIds = db.Users.Where(u => u.FirmId == firmId && u.ClientAccountId == clientAccountId).Select(u => u.Id);
        return await db.Set<MagicLinkToken>()
            .Where(t => t.FirmId == firmId && userIds.Contains(t.UserId) && t.UsedAt == null && t.RevokedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
    }
}
