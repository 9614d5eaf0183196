using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Domain.Firms;
using Portal.Domain.Reminders;
using Portal.Email;
using Portal.Tests.Fixture;

namespace Portal.Tests.Reminders;

/// <summary>
/// A sweep cut short by a real crash: Portal runs as its own process, is killed (SIGKILL) while it is working through
/// the day's reminders, and a second process on the same database finishes the sweep. Every (invoice, step) ends up
/// reminded once: nothing the first process had decided is lost, nothing it had sent goes out again.
/// </summary>
public sealed class ReminderProcessKillTests : IAsyncLifetime
{
    private const int Clients = 3;
    private const int InvoicesPerClient = 40;

    /// <summary>Owns the test database and writes the facts; it sweeps and sends nothing itself.</summary>
    private sealed class Seeder : PortalApp
    {
        protected override void ConfigureTestServices(IServiceCollection services)
        {
            foreach (var job in services.Where(s => s.ServiceType == typeof(IHostedService)
                         && (s.ImplementationType == typeof(EmailDispatcher) || s.ImplementationType == typeof(Portal.Reminders.ReminderSweepService)
                             || s.ImplementationFactory is not null)).ToList())
                services.Remove(job);
        }
    }

    private readonly Seeder _app = new();
    private readonly SmtpSink _smtp = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)_app).DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task A_process_killed_mid_sweep_loses_and_repeats_no_reminder_once_another_process_finishes_it()
    {
        var firm = await _app.AFirmAsync();
        await _app.TurnOnRemindersAsync(firm);
        // The processes run on the system clock, as in production: the invoices are a week overdue on its day in Paris.
        var systemToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(),
            TimeZoneInfo.FindSystemTimeZoneById(Firm.DefaultTimeZone)).DateTime);
        var dueInDays = systemToday.DayNumber - _app.Today.DayNumber - 7 + 40;
        for (var c = 0; c < Clients; c++)
        {
            var client = await _app.AClientAsync(firm);
            for (var i = 0; i < InvoicesPerClient; i++)
                await _app.AnInvoice(client).WithLine("Bookkeeping", 1, 100_00 + i).IssuedDaysAgo(40).DueInDays(dueInDays).IssuedAsync();
        }
        const int expected = Clients * InvoicesPerClient;

        // The first process sweeps a second after it starts and is killed once some reminders are sent and others not.
        int sentWhenKilled;
        DateTimeOffset killedAt;
        await using (var first = PortalProcess.Start(Settings()))
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                if (await CountAsync(ReminderStatus.Sent) > 0)
                {
                    first.Kill();
                    killedAt = TimeProvider.System.GetUtcNow();
                    sentWhenKilled = await CountAsync(ReminderStatus.Sent);
                    break;
                }
                first.ShouldBeRunning();
                if (deadline.Elapsed > TimeSpan.FromSeconds(120))
                    throw new TimeoutException($"The first process sent no reminder:\n{first.Output}");
                // The rows are the signal: the other process writes them.
                await Task.Delay(20);
            }
        }
        // Mid-sweep: every reminder decided, some sent, the rest still owed or claimed by the dead process.
        (await RemindersAsync()).Count.ShouldBe(expected);
        sentWhenKilled.ShouldBeInRange(1, expected - 1, "the kill came after the sweep had finished: it did not cut it short");

        // The second process takes over what the first left: queued reminders, the one it had claimed once its lease
        // has run out, and the outbox. Done when every reminder is sent and every email with it, but for one the dead
        // process may have been handing to the mail server (claimed before the kill: its lease ends by then).
        var leftByTheDead = killedAt + TimeSpan.FromMinutes(2);
        await using var second = PortalProcess.Start(Settings());
        await WaitForAsync(second, async () =>
        {
            var rows = await RemindersAsync();
            var emails = await ReminderEmailsAsync();
            return rows.All(r => r.Status == ReminderStatus.Sent) && emails.Count == expected
                && emails.All(m => m.Status == EmailStatus.Sent || (m.Status is EmailStatus.Sending && m.LeaseUntil <= leftByTheDead)) ? rows : null;
        }, "every reminder sent");

        var reminders = await RemindersAsync();
        reminders.Select(r => (r.InvoiceId, r.Step)).Distinct().Count().ShouldBe(expected);
        reminders.ShouldAllBe(r => r.Step == ReminderStep.Overdue);
        var stored = await ReminderEmailsAsync();
        stored.Select(m => m.IdempotencyKey).Distinct().Count().ShouldBe(expected);
        // Each email the outbox marks sent reached the mail server exactly once, and nothing reached it twice. The one
        // exception the outbox allows (decision 0018): the email the dead process was handing over at the moment of the
        // kill, which may or may not have arrived, is not sent again (it is failed, visibly, when its lease ends).
        var arrived = _smtp.Received.GroupBy(m => m.MessageId ?? "").ToDictionary(g => g.Key, g => g.Count());
        arrived.Values.ShouldAllBe(copies => copies == 1);
        foreach (var email in stored.Where(m => m.Status == EmailStatus.Sent))
            arrived.GetValueOrDefault($"{email.Id}@portal").ShouldBe(1, email.To);
        var interrupted = stored.Where(m => m.Status != EmailStatus.Sent).ToList();
        interrupted.Count.ShouldBeLessThanOrEqualTo(1);
        arrived.Keys.ShouldBeSubsetOf(stored.Select(m => $"{m.Id}@portal"));
    }

    private Dictionary<string, string?> Settings()
    {
        var settings = PortalProcess.SettingsFor(_app, _smtp.Port);
        settings["Portal__PublicBaseUrl"] = _app.BaseUrl.ToString();
        settings["Reminders__SweepEvery"] = "00:00:01";
        // A short lease, so the second process takes over the reminder the first was sending within the test.
        settings["Reminders__SendLease"] = "00:00:02";
        return settings;
    }

    private async Task<int> CountAsync(ReminderStatus status)
    {
        await using var db = _app.OpenDb();
        return await db.Reminders.IgnoreQueryFilters().CountAsync(r => r.Status == status);
    }

    private async Task<List<Reminder>> RemindersAsync()
    {
        await using var db = _app.OpenDb();
        return await db.Reminders.IgnoreQueryFilters().AsNoTracking().ToListAsync();
    }

    private async Task<List<EmailMessage>> ReminderEmailsAsync()
    {
        await using var db = _app.OpenDb();
        return await db.Set<EmailMessage>().IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.IdempotencyKey != null && m.IdempotencyKey.StartsWith("reminder:")).ToListAsync();
    }

    private static async Task WaitForAsync<T>(PortalProcess process, Func<Task<T?>> done, string what) where T : class
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (await done() is not null)
                return;
            process.ShouldBeRunning();
            if (deadline.Elapsed > TimeSpan.FromSeconds(180))
                throw new TimeoutException($"Not {what}.\n{process.Output}");
            await Task.Delay(100);
        }
    }
}
