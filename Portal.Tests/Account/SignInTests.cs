using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Account;
using Portal.Tests.Fixture;

namespace Portal.Tests.Account;

public sealed class SignInTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Staff_sign_in_leads_to_the_staff_dashboard()
    {
        var firm = await app.AFirmAsync();
        using var session = await app.SignInAsync(firm.Staff);
        var (status, html) = await session.GetPageAsync("/staff");
        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain(firm.Key);
    }

    [Fact]
    public async Task Wrong_password_shows_an_error_and_signs_nobody_in()
    {
        var firm = await app.AFirmAsync();
        using var session = app.AnonymousSession();
        var response = await session.SubmitFormAsync("/Account/Login", "login", new() { ["Input.Email"] = firm.Staff.Email, ["Input.Password"] = "not-the-password" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("email or password is not right");
        var staffPage = await session.GetAsync("/staff");
        staffPage.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        staffPage.Headers.Location!.ToString().ShouldContain("Account/Login");
    }

    [Fact]
    public async Task A_client_contact_is_refused_staff_pages()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        using var session = await app.SignInAsync(client.Contact);
        foreach (var page in new[] { "/staff", "/staff/invoices", "/staff/clients", "/staff/settings" })
        {
            var response = await session.GetAsync(page);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, page);
            response.Headers.Location!.ToString().ShouldContain("Account/AccessDenied", Case.Sensitive, page);
        }
    }

    [Fact]
    public async Task Staff_are_refused_the_owner_and_admin_pages_that_owners_open()
    {
        var firm = await app.AFirmAsync();
        using var staff = await app.SignInAsync(firm.Staff);
        using var owner = await app.SignInAsync(firm.Owner);
        foreach (var page in new[] { "/staff/audit", "/staff/settings/payments", "/staff/settings", "/staff/team" })
        {
            var refused = await staff.GetAsync(page);
            refused.StatusCode.ShouldBe(HttpStatusCode.Redirect, page);
            refused.Headers.Location!.ToString().ShouldContain("Account/AccessDenied", Case.Sensitive, page);
            (await owner.GetPageAsync(page)).Status.ShouldBe(HttpStatusCode.OK, page);
        }
    }
}
