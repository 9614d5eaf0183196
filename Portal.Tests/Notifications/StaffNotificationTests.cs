using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Account;
using Portal.Email;
using Portal.Live;
using Portal.Notifications;
using Portal.Tests.Email;
using Portal.Tests.Fixture;
using Portal.Tests.Live;

namespace Portal.Tests.Notifications;

public sealed partial class StaffNotificationTests(MailPortalApp app) : IClassFixture<MailPortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private Task ChooseAsync(TestFirm firm, TestLogin who, NotificationFrequency frequency) =>
        app.AsStaffOfAsync<StaffNotifications>(firm, n => n.ChooseAsync(who.UserId, frequency));

    private async Task<int> BadgeAsync(TestLogin who)
    {
        using var session = await app.SignInAsync(who);
        var (status, page) = await session.GetPageAsync("/staff/notifications");
        status.ShouldBe(HttpStatusCode.OK);
        return int.Parse(BadgeCount().Match(page).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("data-testid=\"notification-count\"[^>]*>(\\d+)<")]
    private static partial Regex BadgeCount();

    [Fact]
    public async Task Every_payment_staff_get_an_email_and_a_live_badge_while_failures_only_and_none_get_nothing_for_a_success()
    {
        var firm = await app.AFirmAsync();
        var admin = await app.AUserAsync($"admin@{firm.Key}.test", "Admin " + firm.Key, Roles.Admin, firm.Id, null);
        await ChooseAsync(firm, firm.Staff, NotificationFrequency.EveryPayment);
        await ChooseAsync(firm, firm.Owner, NotificationFrequency.FailuresOnly);
        var client = await app.AClientAsync(firm, name: "Northwind Traders");
        var invoice = await app.AnInvoice(client).WithLine("Bookkeeping", 1, 210_00).IssuedAsync();
        using var session = await app.SignInAsync(firm.Staff);
        await using var live = await LiveListener.ConnectAsync(app.BaseUrl, session);
        (await BadgeAsync(firm.Staff)).ShouldBe(0);

        await app.PayByTransferAsync(client, invoice.Id, 210_00);

        await live.WaitForAsync(u => u.Kind == LiveKind.Notification && u.Status == "Unread");
        (await BadgeAsync(firm.Staff)).ShouldBe(1);
        var email = (await app.Smtp.WaitForAsync(firm.Staff.Email)).Single();
        (email.Subject ?? "").ShouldBe("Payment received: €210.00 from Northwind Traders");
        await app.DrainOutboxAsync(firm);
        app.Smtp.To(firm.Owner.Email).ShouldBeEmpty("the owner asked for failures only");
        app.Smtp.To(admin.Email).ShouldBeEmpty("the admin chose nothing");
        (await BadgeAsync(firm.Owner)).ShouldBe(0);

        await app.AsStaffOfAsync<StaffNotifications>(firm, n => n.MarkAllReadAsync(firm.Staff.UserId));
        await live.WaitForAsync(u => u.Kind == LiveKind.Notification && u.Status == "Read");
        (await BadgeAsync(firm.Staff)).ShouldBe(0);
    }

    [Fact]
    public async Task Daily_digest_staff_get_one_email_the_next_day_listing_the_payments_and_a_second_run_sends_nothing()
    {
        var firm = await app.AFirmAsync();
        await ChooseAsync(firm, firm.Staff, NotificationFrequency.DailyDigest);
        var client = await app.AClientAsync(firm, name: "Blue River Studio");
        var first = await app.AnInvoice(client).WithLine("Design", 1, 40_00).IssuedAsync();
        var second = await app.AnInvoice(client).WithLine("Hosting", 1, 15_00).IssuedAsync();
        var day = app.Today;

        await app.PayByTransferAsync(client, first.Id, 40_00);
        await app.PayByTransferAsync(client, second.Id, 15_00);
        (await BadgeAsync(firm.Staff)).ShouldBe(2, "in-app notices come at once");
        await app.DrainOutboxAsync(firm);
        app.Smtp.To(firm.Staff.Email).ShouldBeEmpty("the email waits for the digest");

        var digest = app.Services.GetRequiredService<NotificationDigest>();
        (await digest.SendAsync(day)).ShouldBe(1);
        (await digest.SendAsync(day)).ShouldBe(0, "a second run the same day (another instance, a restart) is a no-op");

        var email = (await app.Smtp.WaitForAsync(firm.Staff.Email)).Single();
        (email.Subject ?? "").ShouldContain("2 payment updates");
        (email.TextBody ?? "").ShouldContain("Blue River Studio: €40.00 (Payment received)");
        (email.TextBody ?? "").ShouldContain("Blue River Studio: €15.00 (Payment received)");
        await app.DrainOutboxAsync(firm);
        app.Smtp.To(firm.Staff.Email).Count.ShouldBe(1);
        await using var db = app.OpenDb(firm.Id);
        (await db.Set<EmailMessage>().SingleAsync(m => m.To == firm.Staff.Email)).IdempotencyKey.ShouldBe($"digest:{firm.Staff.UserId}:{day:yyyy-MM-dd}");
    }

    [Fact]
    public async Task A_person_sees_only_their_own_notices()
    {
        var firm = await app.AFirmAsync();
        var other = await app.AFirmAsync();
        await ChooseAsync(firm, firm.Staff, NotificationFrequency.EveryPayment);
        await ChooseAsync(other, other.Staff, NotificationFrequency.EveryPayment);
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Tax return", 1, 99_00).IssuedAsync();

        await app.PayByTransferAsync(client, invoice.Id, 99_00);

        (await BadgeAsync(firm.Staff)).ShouldBe(1);
        (await BadgeAsync(firm.Owner)).ShouldBe(0);
        (await BadgeAsync(other.Staff)).ShouldBe(0);
    }
}
