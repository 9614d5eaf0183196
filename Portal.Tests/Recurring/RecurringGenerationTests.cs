using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Recurring;
using Portal.Recurring;
using Portal.Tests.Fixture;

namespace Portal.Tests.Recurring;

public sealed class RecurringGenerationTests(RecurringGenerationTests.App app) : IClassFixture<RecurringGenerationTests.App>
{
    public sealed class App : RecurringPortalApp;

    [Fact]
    public async Task The_firms_own_local_day_decides_when_an_invoice_is_made()
    {
        // At any instant at least one of these two firms is on a different day from UTC: a generator that used UTC's day
        // would make one invoice too early or one too late.
        foreach (var zone in new[] { "Pacific/Kiritimati", "Pacific/Pago_Pago" })
        {
            var firm = await app.AFirmAsync();
            await app.SetTimeZoneAsync(firm, zone);
            var today = app.LocalToday(zone);
            var client = await app.AClientAsync(firm);
            var dueToday = await app.AWeeklyScheduleAsync(client, today, autoSend: false);
            var dueTomorrow = await app.AWeeklyScheduleAsync(client, today.AddDays(1), autoSend: false);

            await app.Generator().GenerateDueAsync();

            var generated = await app.GeneratedOfAsync(firm);
            generated.Select(g => g.ScheduleId).ShouldBe([dueToday], zone);
            (await app.InvoicesOfAsync(firm)).Single().IssueDate.ShouldBe(today, zone);
            var later = await app.AsStaffOfAsync<RecurringSchedules, RecurringSchedule>(firm, s => s.GetAsync(dueTomorrow));
            later.NextIssueOn.ShouldBe(today.AddDays(1), zone);
            (await app.RecurringEmailsAsync(firm)).ShouldBeEmpty("auto-send is off");
        }
    }

    [Fact]
    public async Task Paused_skipped_and_ended_schedules_make_nothing_and_resuming_does_not_bill_the_pause()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var today = app.LocalToday();
        var paused = await app.AWeeklyScheduleAsync(client, today.AddDays(-7), autoSend: false);
        var skipped = await app.AWeeklyScheduleAsync(client, today, autoSend: false);
        var ended = await app.AWeeklyScheduleAsync(client, today, autoSend: false);
        await app.AsStaffOfAsync<RecurringSchedules>(firm, async s =>
        {
            await s.PauseAsync(paused);
            await s.SkipNextAsync(skipped);
            await s.EndAsync(ended);
        });

        (await app.Generator().GenerateDueAsync()).ShouldBe(0);

        await app.AsStaffOfAsync<RecurringSchedules>(firm, s => s.ResumeAsync(paused));
        (await app.Generator().GenerateDueAsync()).ShouldBe(1);
        (await app.GeneratedOfAsync(firm)).Single().PeriodStart.ShouldBe(today, "the week of the pause is not billed");
        var refusal = await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<RecurringSchedules>(firm, s => s.ResumeAsync(ended)));
        refusal.Message.ShouldContain("ended");
    }

    [Fact]
    public async Task A_schedule_in_another_currency_than_the_clients_is_refused_and_nothing_is_saved()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var input = new ScheduleInput(client.Id, "USD", null, [new("Support", 1, 100_00, 0)], RecurrenceInterval.Monthly, 0, 31, app.LocalToday(), null, null, 0, 30, true, false);

        var refusal = await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<RecurringSchedules, Guid>(firm, s => s.CreateAsync(input)));

        refusal.Message.ShouldContain("invoiced in EUR");
        await using var db = app.OpenDb(firm.Id);
        (await db.RecurringSchedules.CountAsync()).ShouldBe(0);
    }
}
