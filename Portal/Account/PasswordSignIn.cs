using System.Net;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Email;
using Portal.Localization;

namespace Portal.Account;

public enum PasswordSignInOutcome { SignedIn, RequiresTwoFactor, Refused, Wait, Locked }

public sealed record PasswordSignInResult(PasswordSignInOutcome Outcome, TimeSpan Wait = default);

/// <summary>
/// The sign-in form's password check behind <see cref="SignInThrottle"/>. An unknown address and a known one get the
/// same answers at the same counts (refused, then "wait", then "locked"); only the holder of a real account is emailed
/// when it locks, with a link that unlocks it.
/// </summary>
public sealed class PasswordSignIn(
    SignInManager<PortalUser> signIn, SignInThrottle throttle, IDbContextFactory<PortalDbContext> dbFactory, Mailer mailer,
    AccountLinks links, IStringLocalizer<Text> T, ILogger<PasswordSignIn> logger)
{
    public const string UnlockPurpose = "UnlockAccount";

    public async Task<PasswordSignInResult> SignInAsync(string email, string password, bool rememberMe, IPAddress? address)
    {
        email = email.Trim();
        if (throttle.IsLocked(email))
            return new(PasswordSignInOutcome.Locked);
        if (throttle.WaitBefore(email, address) is { } wait && wait > TimeSpan.Zero)
            return new(PasswordSignInOutcome.Wait, wait);

        var user = await signIn.UserManager.FindByEmailAsync(email);
        var wasLocked = user is not null && await signIn.UserManager.IsLockedOutAsync(user);
        var result = user is null ? SignInResult.Failed : await signIn.PasswordSignInAsync(user, password, rememberMe, lockoutOnFailure: true);
        if (result.Succeeded || result.RequiresTwoFactor)
        {
            throttle.Forget(email);
            return new(result.Succeeded ? PasswordSignInOutcome.SignedIn : PasswordSignInOutcome.RequiresTwoFactor);
        }
        if (wasLocked)
            return new(PasswordSignInOutcome.Locked);

        throttle.RecordFailure(email, address);
        if (result.IsLockedOut && user is not null)
        {
            logger.LogWarning("User {UserId} is locked after {Failures} failed sign-ins; an unlock link was emailed", user.Id, SignInThrottle.LockAfterFailures);
            await EmailUnlockLinkAsync(user);
        }
        return new(result.IsLockedOut || throttle.IsLocked(email) ? PasswordSignInOutcome.Locked : PasswordSignInOutcome.Refused);
    }

    /// <summary>Clears the lock when the link from the lock email is opened; false for a wrong, used or expired link.</summary>
    public async Task<bool> UnlockAsync(string userId, string code)
    {
        var user = await signIn.UserManager.FindByIdAsync(userId);
        if (user is null || !TryDecode(code, out var token) || !await signIn.UserManager.VerifyUserTokenAsync(user, TokenOptions.DefaultProvider, UnlockPurpose, token))
            return false;
        await signIn.UserManager.SetLockoutEndDateAsync(user, null);
        await signIn.UserManager.ResetAccessFailedCountAsync(user);
        // A new security stamp spends this link and any other sent before.
        await signIn.UserManager.UpdateSecurityStampAsync(user);
        throttle.Forget(user.Email ?? "");
        return true;
    }

    private async Task EmailUnlockLinkAsync(PortalUser user)
    {
        if (user.FirmId is not { } firmId || user.Email is null)
            return;
        var token = await signIn.UserManager.GenerateUserTokenAsync(user, TokenOptions.DefaultProvider, UnlockPurpose);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        await using var db = await dbFactory.CreateDbContextAsync();
        using (UserCulture.Use(user.Culture))
            mailer.QueueWithSecretLink(db, firmId, user.Email, T["AccountLockedEmailSubject"], T["AccountLockedEmailBody"],
                links.To($"Account/Unlock?userId={Uri.EscapeDataString(user.Id)}&code={code}"), T["UnlockAccount"]);
        await db.SaveChangesAsync();
        mailer.Flush();
    }

    private static bool TryDecode(string code, out string token)
    {
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
            return true;
        }
        catch (FormatException)
        {
            token = "";
            return false;
        }
    }
}
