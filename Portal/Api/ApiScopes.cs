using Microsoft.AspNetCore.Authorization;
using Portal.Domain.ApiKeys;

namespace Portal.Api;

/// <summary>The resource an API endpoint reads or changes, set on each feature's group.</summary>
public sealed record ApiResourceMetadata(ApiResources Resource);

/// <summary>
/// Which scope an endpoint needs: its group's resource, with write access when the endpoint is marked a write
/// (<see cref="ApiSetup.Writes"/>). An endpoint without a resource needs a scope no key has, so a new group that
/// forgets to say what it serves is closed rather than open to every key.
/// </summary>
public static class ApiScopes
{
    public static TBuilder ForResource<TBuilder>(this TBuilder builder, ApiResources resource) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiResourceMetadata(resource));

    /// <summary>The scope <paramref name="endpoint"/> needs (<c>invoices:write</c>), or null when it serves no resource.</summary>
    public static string? Needed(Endpoint? endpoint) => endpoint is null ? null : NeededBy(endpoint.Metadata);

    /// <summary>The scope an endpoint with <paramref name="metadata"/> needs; the last resource set wins, as the routing's does.</summary>
    public static string? NeededBy(IEnumerable<object> metadata)
    {
        var all = metadata as IReadOnlyCollection<object> ?? metadata.ToList();
        return all.OfType<ApiResourceMetadata>().LastOrDefault() is { } served
            ? ApiKey.ScopeOf(served.Resource, write: all.OfType<ApiAuditSubject>().Any())
            : null;
    }
}

/// <summary>The caller's key has the scope the endpoint needs (<see cref="ApiScopes.Needed"/>).</summary>
public sealed class ApiScopeRequirement : IAuthorizationRequirement;

internal sealed class ApiScopeAuthorizationHandler : AuthorizationHandler<ApiScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiScopeRequirement requirement)
    {
        var endpoint = context.Resource switch
        {
            HttpContext http => http.GetEndpoint(),
            Endpoint given => given,
            _ => null,
        };
        if (ApiScopes.Needed(endpoint) is { } scope && context.User.HasClaim(ApiClaims.Scope, scope))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
