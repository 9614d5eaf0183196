using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Domain.Firms;
using Portal.Email;
using Portal.Tests.Fixture;

namespace Portal.Tests.Account;

/// <summary>Sign-up, magic links and two-factor sign-in, through the real server-rendered forms.</summary>
public sealed partial class AccountFlowTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Sign_up_confirmed_from_the_email_creates_a_firm_and_its_owner_who_lands_on_the_staff_dashboard()
    {
        using var visitor = app.AnonymousSession();
        var submitted = await visitor.SubmitFormAsync("/Account/SignUp", "sign-up", SignUpFields("Harbour Books", "harbour", "owner@harbour.example"));
        (await submitted.Content.ReadAsStringAsync()).ShouldContain("Check your inbox");
        var link = await app.LinkDeliveredToAsync("owner@harbour.example", "/Account/ConfirmSignUp?token=");
        var response = await visitor.SubmitFormAsync(link, "confirm-sign-up", []);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldEndWith("/staff");
        var (status, html) = await visitor.GetPageAsync("/staff");
        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("Harbour Books");
        await using var db = app.OpenDb();
        var firm = await db.Firms.IgnoreQueryFilters().SingleAsync(f => f.Key == "harbour");
        var owner = await db.Users.SingleAsync(u => u.Email == "owner@harbour.example");
        owner.FirmId.ShouldBe(firm.Id);
        (await db.UserRoles.CountAsync(r => r.UserId == owner.Id)).ShouldBe(1);
    }

    [Fact]
    public async Task Without_a_key_the_firm_takes_one_made_from_its_name_the_next_free_one_and_lets_guests_pay()
    {
        await app.AFirmAsync("harbour-books");
        using var visitor = app.AnonymousSession();
        var fields = SignUpFields("Harbour Books", "", "owner@harbour.example");
        await visitor.SubmitFormAsync("/Account/SignUp", "sign-up", fields);
        var link = await app.LinkDeliveredToAsync("owner@harbour.example", "/Account/ConfirmSignUp?token=");
        (await visitor.SubmitFormAsync(link, "confirm-sign-up", [])).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await using var db = app.OpenDb();
        var firm = await db.Firms.IgnoreQueryFilters().SingleAsync(f => f.Name == "Harbour Books");
        firm.Key.ShouldBe("harbour-books-2");
        // Its first clients have no sign-in: the pay links it emails let them pay as guests.
        firm.GuestPayAllowed.ShouldBeTrue();
        firm.EmailInvoicesWhenIssued.ShouldBeFalse();
    }

    [Fact]
    public async Task A_second_firm_with_the_same_key_is_refused_and_nothing_is_saved()
    {
        var existing = await app.AFirmAsync("harbour");
        using var visitor = app.AnonymousSession();
        var response = await visitor.SubmitFormAsync("/Account/SignUp", "sign-up", SignUpFields("Another Harbour", existing.Key, "someone@else.example"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("already taken");
        await using var db = app.OpenDb();
        (await db.Firms.IgnoreQueryFilters().CountAsync()).ShouldBe(1);
        (await db.Users.AnyAsync(u => u.Email == "someone@else.example")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_magic_link_signs_the_client_in_once_and_is_refused_the_second_time()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var link = await RequestMagicLinkAsync(client.Contact.Email);

        using var first = app.AnonymousSession();
        var (_, page) = await first.GetPageAsync(link);
        page.ShouldContain("Sign in as");
        var signIn = await first.SubmitFormAsync(link, "magic-link-sign-in", []);
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await first.GetPageAsync("/portal")).Status.ShouldBe(HttpStatusCode.OK);

        using var second = app.AnonymousSession();
        var (_, reused) = await second.GetPageAsync(link);
        reused.ShouldContain("already been used");
        var again = await second.SubmitFormAsync(link, "magic-link-sign-in", []);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await second.GetAsync("/portal")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task An_expired_magic_link_is_refused()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var link = await RequestMagicLinkAsync(client.Contact.Email);
        await using (var db = app.OpenDb())
            await db.Set<MagicLinkToken>().IgnoreQueryFilters()
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, app.Clock.GetUtcNow().AddMinutes(-1)));

        using var visitor = app.AnonymousSession();
        var response = await visitor.SubmitFormAsync(link, "magic-link-sign-in", []);
        (await response.Content.ReadAsStringAsync()).ShouldContain("expired");
        (await visitor.GetAsync("/portal")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Asking_for_a_link_for_an_unknown_address_sends_nothing_and_says_the_same()
    {
        using var visitor = app.AnonymousSession();
        var response = await visitor.SubmitFormAsync("/Account/MagicLink", "magic-link", new() { ["Input.Email"] = "nobody@nowhere.example" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var db = app.OpenDb();
        (await db.Set<EmailMessage>().IgnoreQueryFilters().CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Staff_who_enable_an_authenticator_need_its_code_to_sign_in()
    {
        var firm = await app.AFirmAsync();
        using (var session = await app.SignInAsync(firm.Staff))
        {
            var (_, page) = await session.GetPageAsync("/Account/Manage/EnableAuthenticator");
            var key = SharedKey().Match(page).Groups[1].Value;
            key.ShouldNotBeEmpty();
            var wrong = await session.SubmitFormAsync("/Account/Manage/EnableAuthenticator", "send-code", new() { ["Input.Code"] = "000000" == Totp(key) ? "111111" : "000000" });
            (await wrong.Content.ReadAsStringAsync()).ShouldContain("code is not right");
            var right = await session.SubmitFormAsync("/Account/Manage/EnableAuthenticator", "send-code", new() { ["Input.Code"] = Totp(key) });
            // The first time, the page shows the recovery codes to keep.
            var recoveryPage = await right.Content.ReadAsStringAsync();
            recoveryPage.ShouldNotContain("code is not right");
            RecoveryCode().Matches(recoveryPage).Count.ShouldBe(10);
        }

        using var visitor = app.AnonymousSession();
        var password = await visitor.SubmitFormAsync("/Account/Login", "login", new() { ["Input.Email"] = firm.Staff.Email, ["Input.Password"] = firm.Staff.Password });
        password.Headers.Location!.ToString().ShouldContain("Account/LoginWith2fa");
        (await visitor.GetAsync("/staff")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "the password alone is not enough");

        await using (var db = app.OpenDb())
        {
            var user = await db.Users.SingleAsync(u => u.Email == firm.Staff.Email);
            user.TwoFactorEnabled.ShouldBeTrue();
            var key = await db.UserTokens.Where(t => t.UserId == user.Id && t.Name == "AuthenticatorKey").Select(t => t.Value).SingleAsync();
            var code = await visitor.SubmitFormAsync("/Account/LoginWith2fa", "login-with-2fa", new() { ["Input.TwoFactorCode"] = Totp(key!) });
            code.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }
        (await visitor.GetPageAsync("/staff")).Status.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<string> RequestMagicLinkAsync(string email)
    {
        using var visitor = app.AnonymousSession();
        var response = await visitor.SubmitFormAsync("/Account/MagicLink", "magic-link", new() { ["Input.Email"] = email });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await app.LinkDeliveredToAsync(email, "/Account/MagicLink/");
    }

    private static Dictionary<string, string> SignUpFields(string firmName, string key, string email) => new()
    {
        ["Input.FirmName"] = firmName,
        ["Input.FirmKey"] = key,
        ["Input.Currency"] = "EUR",
        ["Input.DisplayName"] = "Hana Owner",
        ["Input.Email"] = email,
        ["Input.Password"] = "Harbour-books-2026",
    };

    /// <summary>The authenticator app's side of RFC 6238: HMAC-SHA1 over the 30-second step, six digits.</summary>
    private static string Totp(string base32Key)
    {
        var key = FromBase32(base32Key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant());
        // A phone's authenticator counts real time, and so does Identity's check of the code: not a business date.
        var step = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
        var counter = BitConverter.GetBytes(step);
        if (BitConverter.IsLittleEndian)
            Array.Reverse(counter);
        var hash = HMACSHA1.HashData(key, counter);
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] FromBase32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('='))
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }

    [GeneratedRegex("data-testid=\"shared-key\">([a-z0-9 ]+)<")]
    private static partial Regex SharedKey();

    [GeneratedRegex("\\b[A-Z0-9]{5}-[A-Z0-9]{5}\\b")]
    private static partial Regex RecoveryCode();
}
