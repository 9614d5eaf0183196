using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Portal.Account;
using Portal.Tenancy;
using Portal.Tests.Fixture;

namespace Portal.Tests.Tenancy;

public static class SignedInAs
{
    /// <summary>Runs a service that reads the signed-in user (invitations) as the firm's owner's request would.</summary>
    public static async Task<TResult> AsOwnerOfAsync<TService, TResult>(this PortalApp app, TestFirm firm, Func<TService, Task<TResult>> action)
        where TService : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        var owner = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, firm.Owner.UserId), new Claim(PortalClaims.Firm, firm.Id.ToString()), new Claim(ClaimTypes.Role, Roles.Owner)], "test"));
        scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext { User = owner, RequestServices = scope.ServiceProvider };
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firm.Id);
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
