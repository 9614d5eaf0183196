using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Domain.Reminders;
using Portal.Tests.Fixture;
using Portal.Tests.Reminders;

namespace Portal.Tests.Browser;

/// <summary>An owner sets the reminder schedule on its page, then sends a reminder by hand from an overdue invoice.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReminderJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Owner_turns_reminders_on_moves_a_step_is_refused_one_out_of_order_and_sends_a_reminder_now()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm, name: "Maison Dupont");
        var invoice = await _app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).DueInLocalDays(_app, -3, issuedDaysAgo: 30).IssuedAsync();

        var owner = await browser.NewPageAsync(_app.BaseUrl);
        await owner.SignInAsync(firm.Owner.Email, firm.Owner.Password);
        await owner.GoToAsync("/staff/settings/reminders");
        await owner.Field("reminders-enabled").CheckAsync(new() { Force = true });
        await owner.Field("step-days-Overdue").FillAsync("20");
        await owner.Field("step-days-Overdue").PressAsync("Tab");
        await owner.GetByTestId("save-reminders").ClickAsync();
        await Assertions.Expect(owner.GetByText("Each reminder step falls after the one before it.")).ToBeVisibleAsync();
        await using (var db = _app.OpenDb(firm.Id))
            (await db.Firms.AsNoTracking().SingleAsync()).Reminders.Enabled.ShouldBeFalse("a refused schedule saves nothing");

        await owner.Field("step-days-Overdue").FillAsync("5");
        await owner.Field("step-days-Overdue").PressAsync("Tab");
        await owner.GetByTestId("save-reminders").ClickAsync();
        await Assertions.Expect(owner.GetByText("Saved")).ToBeVisibleAsync();
        await using (var db = _app.OpenDb(firm.Id))
        {
            var policy = (await db.Firms.AsNoTracking().SingleAsync()).Reminders;
            (policy.Enabled, policy.OverdueOffset, policy.SecondNoticeOffset).ShouldBe((true, 5, 15));
        }

        await owner.GoToAsync($"/staff/invoices/{invoice.Id}");
        // Three days late: the "overdue" step now falls on day 5.
        await Assertions.Expect(owner.GetByTestId("next-reminder")).ToContainTextAsync("Next reminder: Overdue on");
        await owner.GetByTestId("send-reminder-now").ClickAsync();
        var billing = await _app.BillingEmailAsync(client);
        await Assertions.Expect(owner.GetByText($"Reminder sent to {billing}", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(owner.GetByTestId("timeline-Reminded")).ToContainTextAsync($"Reminder sent to {billing} by Owner {firm.Key}");
        await Assertions.Expect(owner.GetByTestId("last-reminder")).ToContainTextAsync("Last reminder: Due today");

        await owner.Field("do-not-remind").CheckAsync(new() { Force = true });
        await Assertions.Expect(owner.GetByTestId("cannot-remind")).ToHaveTextAsync("Not reminded: marked do not remind.");
        (await _app.RemindersOfAsync(firm)).ShouldHaveSingleItem().Step.ShouldBe(ReminderStep.DueToday);
        await owner.ScreenshotAsync("staff-invoice-reminders");
    }
}
