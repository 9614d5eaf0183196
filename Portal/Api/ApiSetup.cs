using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Portal.Clients.Api;
using Portal.Invoices.Api;
using Portal.Payments.Api;
using Portal.Wallets.Api;

namespace Portal.Api;

public static class ApiPolicies
{
    /// <summary>An API key with the scope the endpoint needs (<see cref="ApiScopes"/>).</summary>
    public const string Scoped = "api:scoped";
}

/// <summary>The REST API: keys, their authentication and limits, and the <c>/api/v1</c> groups each feature maps.</summary>
public static class ApiSetup
{
    public const string BasePath = "/api/v1";

    public static IServiceCollection AddPortalApi(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>().BindConfiguration("Api");
        services.AddSingleton<ApiKeySecrets>();
        services.AddScoped<ApiKeys>();
        services.AddSingleton<ApiKeyCache>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, ApiScopeAuthorizationHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicies.Scoped, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser()
                .AddRequirements(new ApiScopeRequirement()));
        services.Configure<RateLimiterOptions>(options => options.AddPolicy<string, ApiRateLimitPolicy>(ApiRateLimitPolicy.Name));
        services.AddPortalApiDocs();
        return services;
    }

    public static WebApplication MapPortalApi(this WebApplication app)
    {
        var api = app.MapGroup(BasePath)
            .RequireAuthorization(ApiPolicies.Scoped)
            .RequireRateLimiting(ApiRateLimitPolicy.Name)
            .DisableAntiforgery()
            .AddEndpointFilter<ApiIdempotencyFilter>()
            .AddEndpointFilter<ApiErrorFilter>()
            .Fails(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);
        api.MapClientsApi();
        api.MapInvoicesApi();
        api.MapPaymentsApi();
        api.MapWalletsApi();
        app.MapPortalApiDocs();
        return app;
    }

    /// <summary>
    /// Marks an endpoint as a write: a key needs its resource's write scope, and the audit log names what it changed. Every write
    /// can answer a missing Idempotency-Key or invalid field (400), a read-only key (403), a reused key (409) and a
    /// refusal of the domain (422).
    /// </summary>
    public static RouteHandlerBuilder Writes(this RouteHandlerBuilder endpoint, string auditSubject) =>
        endpoint.WithMetadata(new ApiAuditSubject(auditSubject))
            .Fails(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
}

/// <summary>Cursor pagination: <c>limit</c> (1 to 100, 20 by default) and <c>starting_after</c> (the last id of the page before).</summary>
public sealed record ApiPage(int Limit, Guid? StartingAfter)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static (ApiPage? Page, IResult? Problem) Read(string? limit, string? startingAfter)
    {
        var errors = new List<ApiFieldError>();
        var size = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
            errors.Add(new ApiFieldError("limit", "out_of_range", $"limit must be a whole number from 1 to {MaxLimit}."));
        Guid? after = null;
        if (startingAfter is not null)
        {
            if (Guid.TryParse(startingAfter, out var id))
                after = id;
            else
                errors.Add(new ApiFieldError("starting_after", "invalid_id", "starting_after must be the id of an object from the previous page."));
        }
        return errors.Count > 0 ? (null, ApiProblems.Validation([.. errors])) : (new ApiPage(size, after), null);
    }

    /// <summary>Takes one more row than asked to learn whether another page follows.</summary>
    public ApiList<T> ToList<T>(IReadOnlyList<T> rowsPlusOne) =>
        new(rowsPlusOne.Take(Limit).ToList(), rowsPlusOne.Count > Limit);
}
