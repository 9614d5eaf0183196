using Microsoft.EntityFrameworkCore;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Account;

public static class AccountSetup
{
    public static IServiceCollection AddPortalAccounts(this IServiceCollection services)
    {
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AccountLinks>();
        services.AddScoped<MagicLinks>();
        services.AddSingleton<SignInThrottle>();
        services.AddScoped<PasswordSignIn>();
        services.AddSingleton<SignUpRequests>();
        services.AddScoped<Team.Invitations>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/Account/Login";
            cookie.AccessDeniedPath = "/Account/AccessDenied";
            cookie.Cookie.Name = "portal.auth";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.SlidingExpiration = true;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
        });

        services.AddIdentityCore<PortalUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = false;
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 10;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
                // The lock comes last, after growing waits (SignInThrottle), so a stranger cannot lock the owner out in a minute.
                options.Lockout.MaxFailedAccessAttempts = SignInThrottle.LockAfterFailures;
                options.Lockout.DefaultLockoutTimeSpan = SignInThrottle.LockFor;
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version2;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>();

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Owner, Roles.Admin, Roles.Staff).RequireClaim(PortalClaims.Firm))
            .AddPolicy(Policies.FirmAdmin, p => p.RequireRole(Roles.Owner, Roles.Admin).RequireClaim(PortalClaims.Firm))
            .AddPolicy(Policies.Owner, p => p.RequireRole(Roles.Owner).RequireClaim(PortalClaims.Firm))
            .AddPolicy(Policies.Books, p => p.RequireRole(Roles.Owner, Roles.Admin, Roles.Accountant).RequireClaim(PortalClaims.Firm))
            .AddPolicy(Policies.Client, p => p.RequireRole(Roles.Client).RequireClaim(PortalClaims.Firm).RequireClaim(PortalClaims.ClientAccount));
        return services;
    }

    /// <summary>Makes sure the four roles exist. Run at start-up.</summary>
    public static async Task EnsureRolesAsync(IServiceProvider services)
    {
        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
    }
}

/// <summary>Puts the firm, the client account and the display name into the sign-in cookie.</summary>
internal sealed class PortalClaimsPrincipalFactory(
    UserManager<PortalUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options, PortalDbContext db)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(PortalClaims.DisplayName, user.DisplayName));
        if (user.FirmId is { } firmId)
        {
            identity.AddClaim(new Claim(PortalClaims.Firm, firmId.ToString()));
            var key = db.Firms.IgnoreQueryFilters().Where(f => f.Id == firmId).Select(f => f.Key).FirstOrDefault();
            if (key is not null)
                identity.AddClaim(new Claim(PortalClaims.FirmKey, key));
        }
        if (user.ClientAccountId is { } clientId)
            identity.AddClaim(new Claim(PortalClaims.ClientAccount, clientId.ToString()));
        return identity;
    }
}
