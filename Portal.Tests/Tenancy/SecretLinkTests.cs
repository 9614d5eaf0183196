using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Account;
using Portal.Audit;
using Portal.Domain;
using Portal.Email;
using Portal.Team;
using Portal.Tenancy;
using Portal.Tests.Fixture;

namespace Portal.Tests.Tenancy;

/// <summary>
/// An email that carries a key (password reset, sign-in link, invitation) reaches its recipient's mailbox with the key,
/// and nowhere else: not the database row, not the Sent emails page that owners and admins read, not the logs, not
/// the audit trail. Otherwise an admin could reset the owner's password or sign in as any client.
/// </summary>
public sealed class SecretLinkTests(SecretLinkTests.RecordingApp app) : IClassFixture<SecretLinkTests.RecordingApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_password_reset_link_reaches_the_mailbox_only_and_what_staff_can_read_cannot_reset()
    {
        var firm = await app.AFirmAsync();
        using var stranger = app.AnonymousSession();
        (await stranger.SubmitFormAsync("/Account/ForgotPassword", "forgot-password", new() { ["Input.Email"] = firm.Owner.Email }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        var link = await app.LinkDeliveredToAsync(firm.Owner.Email, "/Account/ResetPassword?code=");
        var code = link[(link.IndexOf("code=", StringComparison.Ordinal) + "code=".Length)..];
        await ShouldBeHiddenEverywhereAsync(firm, firm.Owner.Email, code);

        // Nothing that staff can read resets the owner's password: the stored email has no code to try.
        var stored = await StoredEmailAsync(firm.Owner.Email);
        stored.TextBody.ShouldNotContain("code=");
        var guess = "[secure link hidden]";
        var withGuess = await stranger.SubmitFormAsync($"/Account/ResetPassword?code={Uri.EscapeDataString(guess)}", "reset-password", ResetFields(firm.Owner.Email, guess));
        (await withGuess.Content.ReadAsStringAsync()).ShouldContain("This reset link is not valid");
        (await SignInStatusAsync(firm.Owner.Email, "Taken-over-2026!")).ShouldBe(HttpStatusCode.OK, "the password did not change");

        // The owner's own mailbox link still works.
        var reset = await stranger.SubmitFormAsync(link, "reset-password", ResetFields(firm.Owner.Email, code));
        reset.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await SignInStatusAsync(firm.Owner.Email, "Taken-over-2026!")).ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task A_magic_sign_in_link_reaches_the_mailbox_only_and_what_staff_can_read_signs_no_one_in()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        using var stranger = app.AnonymousSession();
        (await stranger.SubmitFormAsync("/Account/MagicLink", "magic-link", new() { ["Input.Email"] = client.Contact.Email }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        var link = await app.LinkDeliveredToAsync(client.Contact.Email, "/Account/MagicLink/");
        var token = link["/Account/MagicLink/".Length..];
        await ShouldBeHiddenEverywhereAsync(firm, client.Contact.Email, token);

        // Every word of the stored email, tried as a token, signs no one in.
        var stored = await StoredEmailAsync(client.Contact.Email);
        foreach (var word in stored.TextBody.Split([' ', '\n', ':', '/'], StringSplitOptions.RemoveEmptyEntries))
        {
            var result = await app.Services.GetRequiredService<MagicLinks>().CheckAsync(word);
            result.User.ShouldBeNull();
        }

        // The recipient's link does sign in, once.
        var signIn = await stranger.SubmitFormAsync(link, "magic-link-sign-in", []);
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await stranger.GetPageAsync("/portal")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_staff_invitation_link_reaches_the_mailbox_only()
    {
        var firm = await app.AFirmAsync();
        await app.AsOwnerOfAsync<Invitations, PendingInvitation>(firm, invitations => invitations.InviteStaffAsync("new.admin@team.test", Roles.Admin));

        var link = await app.LinkDeliveredToAsync("new.admin@team.test", "/Account/AcceptInvitation/");
        var token = link["/Account/AcceptInvitation/".Length..];
        await ShouldBeHiddenEverywhereAsync(firm, "new.admin@team.test", token);
        await InvitationShouldMatchAsync(token);
    }

    [Fact]
    public async Task A_client_invitation_link_reaches_the_mailbox_only()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        await app.AsOwnerOfAsync<Invitations, PendingInvitation>(firm, invitations => invitations.InviteClientContactAsync(client.Id, "Dana Finance", "dana@client.test"));

        var link = await app.LinkDeliveredToAsync("dana@client.test", "/Account/AcceptInvitation/");
        var token = link["/Account/AcceptInvitation/".Length..];
        await ShouldBeHiddenEverywhereAsync(firm, "dana@client.test", token);
        await InvitationShouldMatchAsync(token);
    }

    [Fact]
    public async Task Resending_an_invitation_mails_a_fresh_link_and_the_earlier_one_stops_working()
    {
        var firm = await app.AFirmAsync();
        var first = await app.AsOwnerOfAsync<Invitations, PendingInvitation>(firm, invitations => invitations.InviteStaffAsync("late.reader@team.test", Roles.Staff));
        var firstLink = await app.LinkDeliveredToAsync("late.reader@team.test", "/Account/AcceptInvitation/");

        var second = await app.AsOwnerOfAsync<Invitations, PendingInvitation>(firm, invitations => invitations.ResendAsync(first.Id));
        var secondLink = await app.LinkDeliveredToAsync("late.reader@team.test", "/Account/AcceptInvitation/");

        secondLink.ShouldNotBe(firstLink);
        second.Id.ShouldNotBe(first.Id);
        await ShouldBeHiddenEverywhereAsync(firm, "late.reader@team.test", secondLink["/Account/AcceptInvitation/".Length..]);
        using var invitee = app.AnonymousSession();
        (await invitee.GetPageAsync(firstLink)).Html.ShouldContain("This invitation was withdrawn");
        (await invitee.GetPageAsync(secondLink)).Html.ShouldContain("id=\"password\"");
    }

    [Fact]
    public async Task The_hidden_link_reads_in_the_recipients_language()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        await using (var db = app.OpenDb())
            await db.Users.Where(u => u.Email == client.Contact.Email).ExecuteUpdateAsync(s => s.SetProperty(u => u.Culture, "fr"));
        using var stranger = app.AnonymousSession();
        await stranger.SubmitFormAsync("/Account/MagicLink", "magic-link", new() { ["Input.Email"] = client.Contact.Email });

        await app.LatestDeliveredToAsync(client.Contact.Email);
        (await StoredEmailAsync(client.Contact.Email)).TextBody.ShouldContain("[lien sécurisé masqué]");
    }

    /// <summary>The database row, the Sent emails page (read by the owner), the logs and the audit trail hold no trace of the key.</summary>
    private async Task ShouldBeHiddenEverywhereAsync(TestFirm firm, string address, string secret)
    {
        secret.Length.ShouldBeGreaterThan(20);
        var stored = await StoredEmailAsync(address);
        stored.TextBody.ShouldContain("[secure link hidden]");
        foreach (var text in new[] { stored.Subject, stored.TextBody, stored.HtmlBody })
            text.ShouldNotContain(secret);

        using var owner = await app.SignInAsync(firm.Owner);
        var (status, page) = await owner.GetPageAsync("/staff/emails");
        status.ShouldBe(HttpStatusCode.OK);
        page.ShouldContain(WebUtility.HtmlEncode(stored.Subject));
        page.ShouldContain("[secure link hidden]", customMessage: "the page shows the email's body, with the link hidden");
        page.ShouldNotContain(secret);
        page.ShouldNotContain(WebUtility.HtmlEncode(secret));

        app.Logged.ShouldNotContain(line => line.Contains(secret, StringComparison.Ordinal));
        await using var db = app.OpenDb();
        var audit = await db.AuditEntries.IgnoreQueryFilters().Select(a => (a.Before ?? "") + (a.After ?? "") + a.Action).ToListAsync();
        audit.ShouldNotContain(entry => entry.Contains(secret, StringComparison.Ordinal));
    }

    private async Task<EmailMessage> StoredEmailAsync(string address)
    {
        await using var db = app.OpenDb();
        return await db.Set<EmailMessage>().IgnoreQueryFilters().AsNoTracking().Where(m => m.To == address).OrderByDescending(m => m.CreatedAt).FirstAsync();
    }

    private async Task InvitationShouldMatchAsync(string token)
    {
        await using var db = app.OpenDb();
        var hash = SecretToken.HashOf(token);
        hash.ShouldNotBeNull();
        (await db.Set<Invitation>().IgnoreQueryFilters().CountAsync(i => i.TokenHash == hash)).ShouldBe(1, "the mailbox holds the live invitation link");
    }

    private async Task<HttpStatusCode> SignInStatusAsync(string email, string password)
    {
        using var visitor = app.AnonymousSession();
        var response = await visitor.SubmitFormAsync("/Account/Login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        return response.StatusCode;
    }

    private static Dictionary<string, string> ResetFields(string email, string code) => new()
    {
        ["Input.Code"] = code,
        ["Input.Email"] = email,
        ["Input.Password"] = "Taken-over-2026!",
        ["Input.ConfirmPassword"] = "Taken-over-2026!",
    };

    /// <summary>Portal with every log line kept, to look for keys in them.</summary>
    public sealed class RecordingApp : PortalApp
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Logged => _lines;

        protected override void ConfigureTestServices(IServiceCollection services) =>
            services.AddLogging(logging => logging.AddProvider(new RecordingLoggerProvider(_lines)));
    }

    private sealed class RecordingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new RecordingLogger(lines);
        public void Dispose() { }
    }

    private sealed class RecordingLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + exception);
    }
}
