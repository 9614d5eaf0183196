using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Account;
using Portal.Email;
using Portal.Tests.Fixture;

namespace Portal.Tests.Account;

/// <summary>Wrong passwords slow the next attempt down, then lock; a stranger learns nothing and cannot lock anyone out quickly.</summary>
public sealed partial class SignInThrottleTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    private const string UnknownEmail = "nobody-here@unknown.example";

    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private SignInThrottle Throttle => app.Services.GetRequiredService<SignInThrottle>();

    [Fact]
    public void Waits_start_after_three_failures_double_each_time_and_stop_at_five_minutes()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2027, 1, 8, 9, 0, 0, TimeSpan.Zero));
        var throttle = new SignInThrottle(clock);
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 14; i++)
        {
            throttle.RecordFailure("someone@firm.example", IPAddress.Loopback);
            waits.Add(throttle.WaitBefore("SOMEONE@firm.example ", IPAddress.Parse("192.0.2.7")));
        }

        waits.Select(w => (int)w.TotalSeconds).ShouldBe([0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        throttle.IsLocked("someone@firm.example").ShouldBeFalse();
        clock.Advance(TimeSpan.FromMinutes(61));
        throttle.WaitBefore("someone@firm.example", IPAddress.Loopback).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Many_accounts_tried_from_one_address_slow_that_address_down()
    {
        var throttle = new SignInThrottle(new FakeTimeProvider(new DateTimeOffset(2027, 1, 8, 9, 0, 0, TimeSpan.Zero)));
        var attacker = IPAddress.Parse("198.51.100.9");
        for (var i = 0; i < 12; i++)
            throttle.RecordFailure($"person{i}@firm.example", attacker);

        throttle.WaitBefore("yet-another@firm.example", attacker).ShouldBe(TimeSpan.FromSeconds(2));
        throttle.WaitBefore("yet-another@firm.example", IPAddress.Parse("198.51.100.10")).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public async Task Wrong_passwords_are_counted_and_then_even_the_right_one_waits_with_the_answer_an_unknown_address_gets()
    {
        var firm = await app.AFirmAsync();
        using var visitor = app.AnonymousSession();
        for (var i = 0; i < 3; i++)
            (await SignInAsync(visitor, firm.Owner.Email, "wrong-" + i)).ShouldContain("email or password is not right");
        Throttle.WaitBefore(firm.Owner.Email, IPAddress.Loopback).ShouldBe(TimeSpan.Zero);

        // Twelve failures in all: the next attempt waits 2^8 s, far longer than this test runs.
        FailMore(firm.Owner.Email, 9);
        FailMore(UnknownEmail, 12);
        var known = await SignInAsync(visitor, firm.Owner.Email, firm.Owner.Password);
        var unknown = await SignInAsync(visitor, UnknownEmail, firm.Owner.Password);

        Refusal(known).ShouldStartWith("Error: too many failed attempts. Wait 25");
        Digitless(Refusal(known)).ShouldBe(Digitless(Refusal(unknown)));
        (await visitor.GetAsync("/staff")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        ((TestClock)app.Clock).Advance(TimeSpan.FromMinutes(5));
        using var later = app.AnonymousSession();
        (await later.SubmitFormAsync("/Account/Login", "login", Fields(firm.Owner.Email, firm.Owner.Password))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Throttle.WaitBefore(firm.Owner.Email, null).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public async Task The_twentieth_failure_locks_the_account_emails_its_holder_an_unlock_link_and_answers_as_for_an_unknown_address()
    {
        var firm = await app.AFirmAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var owner = (await users.FindByEmailAsync(firm.Owner.Email))!;
            for (var i = 0; i < SignInThrottle.LockAfterFailures - 1; i++)
                await users.AccessFailedAsync(owner);
        }
        FailMore(firm.Owner.Email, SignInThrottle.LockAfterFailures - 1);
        FailMore(UnknownEmail, SignInThrottle.LockAfterFailures - 1);
        ((TestClock)app.Clock).Advance(TimeSpan.FromMinutes(6));
        using var visitor = app.AnonymousSession();

        var known = await SignInAsync(visitor, firm.Owner.Email, "wrong-twentieth");
        var unknown = await SignInAsync(visitor, UnknownEmail, "wrong-twentieth");
        var rightPassword = await SignInAsync(visitor, firm.Owner.Email, firm.Owner.Password);

        Refusal(known).ShouldContain("locked for an hour");
        (Refusal(unknown), Refusal(rightPassword)).ShouldBe((Refusal(known), Refusal(known)));
        await using var db = app.OpenDb();
        var emails = await db.Set<EmailMessage>().IgnoreQueryFilters().Where(m => m.To == firm.Owner.Email || m.To == UnknownEmail).ToListAsync();
        var lockNotice = emails.ShouldHaveSingleItem();
        lockNotice.Subject.ShouldBe("Your Portal account is locked");

        // Staff see the notice on Sent emails without its link; only the holder's mailbox has it.
        lockNotice.TextBody.ShouldNotContain("/Account/Unlock");
        var unlockLink = await app.LinkDeliveredToAsync(firm.Owner.Email, "/Account/Unlock?");

        using var holder = app.AnonymousSession();
        (await holder.GetPageAsync(unlockLink)).Html.ShouldContain("Your account is unlocked");
        (await holder.SubmitFormAsync("/Account/Login", "login", Fields(firm.Owner.Email, firm.Owner.Password))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await holder.GetPageAsync(unlockLink)).Html.ShouldContain("not valid any more");
    }

    private void FailMore(string email, int times)
    {
        for (var i = 0; i < times; i++)
            Throttle.RecordFailure(email, IPAddress.Parse("203.0.113.5"));
    }

    private static async Task<string> SignInAsync(PortalSession session, string email, string password)
    {
        var response = await session.SubmitFormAsync("/Account/Login", "login", Fields(email, password));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    private static Dictionary<string, string> Fields(string email, string password) => new() { ["Input.Email"] = email, ["Input.Password"] = password };

    private static string Refusal(string html) => WebUtility.HtmlDecode(ErrorMessage().Match(html).Groups[1].Value).Trim();

    private static string Digitless(string text) => Regex.Replace(text, "[0-9]+", "N");

    [GeneratedRegex("class=\"[^\"]*error[^\"]*\"[^>]*>([^<]+)<")]
    private static partial Regex ErrorMessage();
}
