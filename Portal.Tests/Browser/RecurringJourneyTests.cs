using Microsoft.Playwright;
using Portal.Domain.Recurring;
using Portal.Recurring;
using Portal.Tests.Fixture;
using Portal.Tests.Recurring;

namespace Portal.Tests.Browser;

/// <summary>Staff on a phone (390 px wide) find a schedule in the list, see its next dates, pause it and skip its next invoice.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RecurringJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Staff_on_a_phone_pause_a_schedule_and_skip_its_next_invoice()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm, name: "Atelier Rivoli");
        var start = _app.LocalToday().AddDays(10);
        var scheduleId = await _app.AWeeklyScheduleAsync(client, start, autoSend: false);

        var staff = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await staff.SignInAsync(firm.Staff.Email, firm.Staff.Password);
        await staff.GoToAsync("/staff/recurring");
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Recurring invoices");
        await staff.GetByTestId("schedule-link").ClickAsync();
        await Assertions.Expect(staff.GetByTestId("preview-row")).ToHaveCountAsync(RecurringSchedules.PreviewCount);
        await staff.WaitForInteractiveAsync();

        await staff.GetByTestId("pause").ClickAsync();
        await Assertions.Expect(staff.GetByTestId("schedule-status")).ToHaveTextAsync("Paused");
        await staff.GetByTestId("skip-next").ClickAsync();
        await Assertions.Expect(staff.GetByTestId("next-run")).ToHaveTextAsync(global::Portal.Components.Shared.DateFormat.Show(start.AddDays(7), System.Globalization.CultureInfo.GetCultureInfo("en-GB")));

        (await staff.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(390, "nothing overflows a phone's width");
        var schedule = await _app.AsStaffOfAsync<RecurringSchedules, RecurringSchedule>(firm, s => s.GetAsync(scheduleId));
        (schedule.Status, schedule.NextIssueOn).ShouldBe((ScheduleStatus.Paused, start.AddDays(7)));
        await staff.ScreenshotAsync("staff-recurring-schedule-phone");
    }
}
