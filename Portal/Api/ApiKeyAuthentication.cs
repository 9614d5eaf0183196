using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Domain.ApiKeys;
using Portal.Tenancy;

namespace Portal.Api;

/// <summary>The claims an API key's requests carry beyond the firm ones the UI uses.</summary>
public static class ApiClaims
{
    public const string KeyId = "portal:api-key";
    /// <summary>One claim per scope the key has, <c>invoices:read</c> or <c>invoices:write</c> (<see cref="ApiKey.Scopes"/>).</summary>
    public const string Scope = "portal:api-scope";
}

/// <summary>
/// Authenticates <c>Authorization: Bearer pk_…</c>. The principal carries the key's firm in the same claim a staff
/// cookie does, so <see cref="TenantContext"/> and every tenant filter work unchanged; its name is the key's name, so
/// the audit log says which key did what. It has no role: no staff page or policy lets a key in.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    PortalDatabase database, ApiKeyCache cache, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    // Writing the last-used time on every request would turn each read into a write; once a minute is what a person needs.
    private static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var presented = header["Bearer ".Length..].Trim();
        if (ApiKeySecrets.PrefixOf(presented) is not { } prefix)
            return AuthenticateResult.Fail("The bearer token is not a Portal API key.");

        var now = clock.GetUtcNow();
        ApiKey key;
        string firmKey;
        if (cache.Find(prefix) is { } hit && ApiKeySecrets.Matches(presented, hit.Key.SecretHash) && hit.Key.IsUsableAt(now))
            (key, firmKey) = hit;
        else
        {
            var noTenant = new TenantContext(new HttpContextAccessor(), Context.RequestServices);
            await using var db = database.Open(noTenant);
            // No firm is known before the key is found: the prefix is unique across firms.
            var found = await db.ApiKeys.IgnoreQueryFilters().AsNoTracking()
                .Where(k => k.Prefix == prefix)
                .Select(k => new { Key = k, FirmKey = db.Firms.IgnoreQueryFilters().Where(f => f.Id == k.FirmId).Select(f => f.Key).Single() })
                .SingleOrDefaultAsync(Context.RequestAborted);
            if (found is null || !ApiKeySecrets.Matches(presented, found.Key.SecretHash))
                return AuthenticateResult.Fail("Unknown API key.");
            (key, firmKey) = (found.Key, found.FirmKey);
            if (!key.IsUsableAt(now))
                return AuthenticateResult.Fail(key.RevokedAt is null ? "This API key has expired." : "This API key was revoked.");
            if (key.LastUsedAt is not { } last || now - last >= LastUsedPrecision)
            {
                var staleBefore = now - LastUsedPrecision;
                await db.ApiKeys.IgnoreQueryFilters().Where(k => k.Id == key.Id && (k.LastUsedAt == null || k.LastUsedAt < staleBefore))
                    .ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
            }
            cache.Keep(key, firmKey);
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, $"api-key:{key.Id}"),
            new(ClaimTypes.Name, key.Prefix),
            new(PortalClaims.DisplayName, $"API key {key.Name}"),
            new(PortalClaims.Firm, key.FirmId.ToString()),
            new(PortalClaims.FirmKey, firmKey),
            new(ApiClaims.KeyId, key.Id.ToString()),
        };
        claims.AddRange(key.Scopes().Select(scope => new Claim(ApiClaims.Scope, scope)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = "Bearer";
        var detail = result.Failure?.Message ?? "Send an API key as 'Authorization: Bearer pk_…'.";
        await ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, result.Failure is null ? "api_key_missing" : "api_key_invalid",
            "Authentication is required.", detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "insufficient_scope", "This API key may not do this.",
            ApiScopes.Needed(Context.GetEndpoint()) is { } scope ? $"This endpoint needs a key with the {scope} scope." : "This endpoint is not open to API keys.");
}

public static class ApiKeyAuthenticationMiddleware
{
    /// <summary>
    /// On <c>/api/v1</c> the caller is the API key and nothing else: a staff cookie sent along (a browser tab) must not
    /// lend its firm to a request. Runs before the rate limiter so limits are counted per key.
    /// </summary>
    public static WebApplication UseApiKeys(this WebApplication app)
    {
        app.UseWhen(http => http.Request.Path.StartsWithSegments(ApiSetup.BasePath), branch => branch.Use(async (http, next) =>
        {
            // API errors are problem details, not the site's "not found" page.
            if (http.Features.Get<IStatusCodePagesFeature>() is { } pages)
                pages.Enabled = false;
            var result = await http.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
            http.User = result.Succeeded ? result.Principal! : new ClaimsPrincipal(new ClaimsIdentity());
            await next(http);
        }));
        return app;
    }
}
