using Portal.Domain.Reminders;
using Portal.Tests.Fixture;
using Xunit;

namespace Portal.Tests.Reminders;

/// <summary>
/// A step falls on the firm's local day (Paris), across Europe's clock changes: the app's clock is moved to just
/// before and just after local midnight of the step's day, where UTC still says the day before.
/// </summary>
public sealed class ReminderLocalDayTests : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => ((IAsyncLifetime)_app).InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    /// <summary>The last Sunday of <paramref name="month"/> in the first year where it is at least 40 days after now.</summary>
    private DateOnly NextLastSunday(int month)
    {
        var after = DateOnly.FromDateTime(_app.Clock.GetUtcNow().UtcDateTime).AddDays(40);
        for (var year = after.Year; ; year++)
        {
            var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
            var sunday = last.AddDays(-(int)last.DayOfWeek);
            if (sunday >= after)
                return sunday;
        }
    }

    private async Task<TestFirm> OverdueStepOnAsync(DateOnly stepDay)
    {
        var firm = await _app.AFirmAsync();
        // Only the "overdue" step (+7), so nothing else falls in the days the clock jumps over.
        await _app.TurnOnRemindersAsync(firm, p => (p.UpcomingOn, p.DueTodayOn) = (false, false));
        var client = await _app.AClientAsync(firm);
        var due = stepDay.AddDays(-7);
        await _app.AnInvoice(client).WithLine("Quarterly VAT return", 1, 300_00).DueInDays(due.DayNumber - _app.Today.DayNumber).IssuedAsync();
        return firm;
    }

    private void MoveClockTo(DateTimeOffset instant) => ((TestClock)_app.Clock).Advance(instant - _app.Clock.GetUtcNow());

    private static DateTimeOffset LocalMidnight(DateOnly day) =>
        new(day.ToDateTime(TimeOnly.MinValue), Paris.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue)));

    [Fact]
    public async Task The_step_on_the_sunday_clocks_go_forward_is_decided_from_paris_midnight_not_utc_midnight()
    {
        var sunday = NextLastSunday(3);
        var firm = await OverdueStepOnAsync(sunday);
        var midnight = LocalMidnight(sunday);
        midnight.Offset.ShouldBe(TimeSpan.FromHours(1), "Sunday starts in winter time; the clocks go forward at 02:00");

        MoveClockTo(midnight.AddMinutes(-30));
        (await _app.Sweeper().DecideAsync()).ShouldBe(0);
        MoveClockTo(midnight.AddMinutes(30));
        // Still Saturday in UTC.
        DateOnly.FromDateTime(_app.Clock.GetUtcNow().UtcDateTime).ShouldBe(sunday.AddDays(-1));
        (await _app.Sweeper().DecideAsync()).ShouldBe(1);

        var reminder = (await _app.RemindersOfAsync(firm)).ShouldHaveSingleItem();
        (reminder.Step, reminder.Day).ShouldBe((ReminderStep.Overdue, sunday));
    }

    [Fact]
    public async Task The_step_on_the_monday_after_clocks_go_back_waits_for_the_end_of_the_25_hour_sunday()
    {
        var monday = NextLastSunday(10).AddDays(1);
        var firm = await OverdueStepOnAsync(monday);
        var midnight = LocalMidnight(monday);
        midnight.Offset.ShouldBe(TimeSpan.FromHours(1), "Monday is in winter time");

        // 23:30 on Sunday in Paris is 22:30 UTC: in summer time it would already be Monday there.
        MoveClockTo(midnight.AddMinutes(-30));
        (await _app.Sweeper().DecideAsync()).ShouldBe(0);
        MoveClockTo(midnight.AddMinutes(30));
        DateOnly.FromDateTime(_app.Clock.GetUtcNow().UtcDateTime).ShouldBe(monday.AddDays(-1));
        (await _app.Sweeper().DecideAsync()).ShouldBe(1);

        var reminder = (await _app.RemindersOfAsync(firm)).ShouldHaveSingleItem();
        (reminder.Step, reminder.Day).ShouldBe((ReminderStep.Overdue, monday));
    }
}
