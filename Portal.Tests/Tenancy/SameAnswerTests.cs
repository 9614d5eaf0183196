using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Domain;
using Portal.Team;
using Portal.Tests.Fixture;

namespace Portal.Tests.Tenancy;

/// <summary>
/// No answer tells a stranger who is registered: sign-up answers a known address exactly as a new one (and warns the
/// address's owner by email instead), and a firm inviting someone who signs in with another firm cannot tell.
/// The webhook endpoints' identical refusals are in <see cref="WebhookTenancyTests"/>.
/// </summary>
public sealed class SameAnswerTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Sign_up_with_a_known_email_answers_as_a_new_one_creates_nothing_and_warns_the_owner()
    {
        var existing = await app.AFirmAsync();

        var (knownStatus, knownPage) = await SignUpAsync("Copycat Books", "copycat", existing.Owner.Email);
        var (newStatus, newPage) = await SignUpAsync("Harbour Books", "harbour", "owner@harbour.example");

        (knownStatus, newStatus).ShouldBe((HttpStatusCode.OK, HttpStatusCode.OK));
        knownPage.ShouldContain("Check your inbox");
        knownPage.ShouldBe(newPage);
        await using (var db = app.OpenDb())
        {
            (await db.Firms.IgnoreQueryFilters().CountAsync()).ShouldBe(1, "nothing is created before the address confirms");
            (await db.Users.CountAsync(u => u.Email == "owner@harbour.example")).ShouldBe(0);
        }
        var warning = await app.LatestDeliveredToAsync(existing.Owner.Email);
        warning.Subject.ShouldBe("Someone tried to create an account with your address");
        (warning.TextBody ?? "").ShouldContain("reset your password");
        (warning.TextBody ?? "").ShouldNotContain("ConfirmSignUp");
        ((await app.LatestDeliveredToAsync("owner@harbour.example")).TextBody ?? "").ShouldContain("/Account/ConfirmSignUp?token=");
    }

    [Fact]
    public async Task The_emailed_link_creates_the_firm_and_its_owner_once()
    {
        await SignUpAsync("Harbour Books", "harbour", "owner@harbour.example");
        var link = await app.LinkDeliveredToAsync("owner@harbour.example", "/Account/ConfirmSignUp?token=");

        using var visitor = app.AnonymousSession();
        var (_, preview) = await visitor.GetPageAsync(link);
        preview.ShouldContain("Harbour Books");
        await using (var db = app.OpenDb())
            (await db.Firms.IgnoreQueryFilters().CountAsync()).ShouldBe(0, "opening the link creates nothing (mail scanners open links)");
        var confirm = await visitor.SubmitFormAsync(link, "confirm-sign-up", []);
        confirm.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await visitor.GetPageAsync("/staff")).Html.ShouldContain("Harbour Books");
        (await app.SignInAsync("owner@harbour.example", "Harbour-books-2026")).ShouldNotBeNull("the password chosen on the form signs in");

        using var again = app.AnonymousSession();
        var second = await again.SubmitFormAsync(link, "confirm-sign-up", []);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await second.Content.ReadAsStringAsync()).ShouldContain("already has a sign-in");
        await using (var db = app.OpenDb())
            (await db.Firms.IgnoreQueryFilters().CountAsync(f => f.Key == "harbour")).ShouldBe(1);
    }

    [Fact]
    public async Task A_tampered_or_foreign_sign_up_link_creates_nothing()
    {
        using var visitor = app.AnonymousSession();
        var (status, page) = await visitor.GetPageAsync("/Account/ConfirmSignUp?token=CfDJ8-not-ours");
        status.ShouldBe(HttpStatusCode.OK);
        page.ShouldContain("not valid or has expired");
        page.ShouldNotContain("confirm-sign-up");
    }

    [Fact]
    public async Task Inviting_someone_who_signs_in_with_another_firm_answers_as_for_a_new_address()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var otherFirm = await app.AFirmAsync();
        var theirClient = await app.AClientAsync(otherFirm);

        var known = await app.AsOwnerOfAsync<Invitations, PendingInvitation>(firm, i => i.InviteStaffAsync(theirClient.Contact.Email, Roles.Staff));
        var fresh = await app.AsOwnerOfAsync<Invitations, PendingInvitation>(firm, i => i.InviteStaffAsync("fresh@team.test", Roles.Staff));
        var knownContact = await app.AsOwnerOfAsync<Invitations, PendingInvitation>(firm, i => i.InviteClientContactAsync(client.Id, "Anna", otherFirm.Owner.Email));
        var freshContact = await app.AsOwnerOfAsync<Invitations, PendingInvitation>(firm, i => i.InviteClientContactAsync(client.Id, "Dana", "dana@client.test"));

        (known.Role, known.ExpiresAt - known.CreatedAt).ShouldBe((fresh.Role, fresh.ExpiresAt - fresh.CreatedAt));
        (knownContact.ClientAccountId, knownContact.ExpiresAt - knownContact.CreatedAt).ShouldBe((freshContact.ClientAccountId, freshContact.ExpiresAt - freshContact.CreatedAt));
        var pending = await app.AsOwnerOfAsync<Invitations, IReadOnlyList<PendingInvitation>>(firm, i => i.ListPendingAsync());
        pending.Select(p => p.Email).Order().ShouldBe(new[] { theirClient.Contact.Email, "fresh@team.test", otherFirm.Owner.Email, "dana@client.test" }.Order());
        ((await app.LatestDeliveredToAsync(theirClient.Contact.Email)).TextBody ?? "").ShouldContain("/Account/AcceptInvitation/");
    }

    [Fact]
    public async Task Inviting_someone_already_in_the_firm_is_refused_with_a_reason()
    {
        var firm = await app.AFirmAsync();

        var refusal = await Should.ThrowAsync<DomainException>(() => app.AsOwnerOfAsync<Invitations, PendingInvitation>(firm, i => i.InviteStaffAsync(firm.Staff.Email, Roles.Admin)));

        refusal.Message.ShouldContain("Someone in your firm already signs in with this email address");
    }

    private async Task<(HttpStatusCode Status, string Page)> SignUpAsync(string firmName, string key, string email)
    {
        using var visitor = app.AnonymousSession();
        using var response = await visitor.SubmitFormAsync("/Account/SignUp", "sign-up", new()
        {
            ["Input.FirmName"] = firmName,
            ["Input.FirmKey"] = key,
            ["Input.Currency"] = "EUR",
            ["Input.DisplayName"] = "Hana Owner",
            ["Input.Email"] = email,
            ["Input.Password"] = "Harbour-books-2026",
        });
        // Blazor's encrypted component state differs on every answer, whoever asks: everything else must be the same.
        var page = System.Text.RegularExpressions.Regex.Replace(await response.Content.ReadAsStringAsync(), "<!--Blazor-Server-Component-State:[^>]*-->", "");
        return (response.StatusCode, page);
    }
}
