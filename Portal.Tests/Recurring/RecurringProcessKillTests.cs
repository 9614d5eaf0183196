using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Recurring;
using Portal.Email;
using Portal.Invoices;
using Portal.Recurring;
using Portal.Tests.Fixture;
using Xunit.Abstractions;

namespace Portal.Tests.Recurring;

/// <summary>
/// A generation pass cut short by a real crash: Portal runs as its own process, is killed (SIGKILL) while its start-up
/// pass is working through a few hundred due schedules of several firms, and a second process on the same database
/// finishes the pass. Every due period ends up invoiced once, each firm's numbers run on without a gap, and each
/// invoice is emailed once.
/// </summary>
public sealed class RecurringProcessKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Firms in zones on both sides of UTC: each firm's own local day decides what is due.
    private static readonly string[] TimeZones = [Firm.DefaultTimeZone, "Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata"];
    private const int ClientsPerFirm = 3;
    private const int SchedulesPerClient = 6;

    /// <summary>Owns the test database and writes the schedules; it generates and sends nothing itself.</summary>
    private sealed class Seeder : PortalApp
    {
        protected override void ConfigureTestServices(IServiceCollection services)
        {
            foreach (var job in services.Where(s => s.ServiceType == typeof(IHostedService)
                         && (s.ImplementationType == typeof(EmailDispatcher) || s.ImplementationType == typeof(RecurringGenerationService)
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
    public async Task A_process_killed_mid_pass_leaves_no_period_uninvoiced_or_invoiced_twice_once_another_process_finishes_it()
    {
        // The processes run on the system clock, as in production (Portal.dll has no test clock): the schedules are
        // seeded on each firm's local day by that clock, so the test holds whatever day PORTAL_TEST_TODAY names for
        // this test's own app.
        var now = TimeProvider.System.GetUtcNow();
        var expected = await SeedAsync(now);
        var total = expected.Sum(s => s.Value.Count);

        // The kill's signal is the first generated row; the pass then still has hundreds of periods to make, each its own
        // transaction with a firm lock, a pay link and a rendered email, beside the process's own dispatcher sending the
        // first emails: seconds of work, against a 20 ms poll and an immediate kill. So the kill normally lands mid-pass;
        // should the whole pass ever be done first, every assertion below still holds (it is then printed).
        int madeWhenKilled;
        DateTimeOffset killedAt;
        var elapsed = Stopwatch.StartNew();
        await using (var first = PortalProcess.Start(Settings()))
        {
            var deadline = Stopwatch.StartNew();
            while (await CountGeneratedAsync() == 0)
            {
                first.ShouldBeRunning();
                if (deadline.Elapsed > TimeSpan.FromSeconds(120))
                    throw new TimeoutException($"The first process made no recurring invoice:\n{first.Output}");
                // The rows are the signal: the other process writes them.
                await Task.Delay(20);
            }
            first.Kill();
            killedAt = TimeProvider.System.GetUtcNow();
            madeWhenKilled = await CountGeneratedAsync();
        }
        // Printed so a run shows where its kill landed.
        output.WriteLine($"Killed {elapsed.Elapsed:mm\\:ss} after start with {madeWhenKilled} of {total} recurring invoices made.");

        // What the dead process committed is whole: each invoice with its generated row, its number (gapless in each
        // firm) and its email; what it was making when killed is not there at all.
        await AssertConsistentAsync(expected, complete: false);

        // The second process's start-up pass makes the rest; its dispatcher sends what the first one left queued. Done
        // when every period is invoiced and every email sent, but for one the dead process may have been handing to the
        // mail server at the kill (claimed before it: its lease ends by the kill plus the lease).
        var leftByTheDead = killedAt + EmailDispatcher.Lease;
        await using var second = PortalProcess.Start(Settings());
        await WaitForAsync(second, async () =>
        {
            if (await CountGeneratedAsync() != total)
                return false;
            var emails = await RecurringEmailsAsync();
            return emails.Count == total
                && emails.All(m => m.Status == EmailStatus.Sent || (m.Status is EmailStatus.Sending && m.LeaseUntil <= leftByTheDead));
        }, $"all {total} recurring invoices made and emailed");

        output.WriteLine($"The second process finished {elapsed.Elapsed:mm\\:ss} after the first one started.");
        await AssertConsistentAsync(expected, complete: true);

        // Each email the outbox marks sent reached the mail server exactly once, and nothing reached it twice. The one
        // exception the outbox allows (decision 0018): the email the dead process was handing over at the kill, which
        // may or may not have arrived, is not sent again.
        var stored = await RecurringEmailsAsync();
        var arrived = _smtp.Received.GroupBy(m => m.MessageId ?? "").ToDictionary(g => g.Key, g => g.Count());
        arrived.Values.ShouldAllBe(copies => copies == 1);
        arrived.Keys.ShouldBeSubsetOf(stored.Select(m => $"{m.Id}@portal"));
        foreach (var email in stored.Where(m => m.Status == EmailStatus.Sent))
            arrived.GetValueOrDefault($"{email.Id}@portal").ShouldBe(1, email.To);
        stored.Count(m => m.Status != EmailStatus.Sent).ShouldBeLessThanOrEqualTo(1);
    }

    /// <summary>
    /// Firms in several zones, each with clients on weekly and monthly schedules started some periods ago and never run.
    /// Returns the periods due by each schedule's firm's local day, keyed by schedule.
    /// </summary>
    private async Task<Dictionary<Guid, List<SchedulePeriod>>> SeedAsync(DateTimeOffset now)
    {
        var expected = new Dictionary<Guid, List<SchedulePeriod>>();
        foreach (var zone in TimeZones)
        {
            var firm = new Firm($"firm-{Guid.NewGuid():N}"[..20], "Firm " + zone, Currency.EUR, now);
            firm.ChangeTimeZone(zone);
            var today = firm.LocalToday(now);
            await using var db = _app.OpenDb();
            db.Firms.Add(firm);
            for (var c = 0; c < ClientsPerFirm; c++)
            {
                var client = new ClientAccount(firm.Id, $"Client {c + 1} of {zone}", $"billing-{Guid.NewGuid():N}@client.test", Currency.EUR, now);
                db.ClientAccounts.Add(client);
                for (var s = 0; s < SchedulesPerClient; s++)
                {
                    // Catch-up of one to four periods: weekly ones started 0, 7, 14 or 21 days ago, monthly ones 1 or 2
                    // months ago on that day of the month (the last days of a month fall back as the rule says).
                    var rule = (s % 3) switch
                    {
                        2 => new RecurrenceRule(RecurrenceInterval.Monthly, 0, today.AddMonths(-1 - s % 2).Day, today.AddMonths(-1 - s % 2), null, null, 0, 30),
                        _ => new RecurrenceRule(RecurrenceInterval.Weekly, 0, 0, today.AddDays(-7 * (s % 4)), null, null, 0, 14),
                    };
                    var schedule = new RecurringSchedule(client, Currency.EUR, $"Retainer {s + 1}",
                        [new InvoiceLineInput("Support retainer", 1, 90_00 + s, 2000)], rule, autoSend: true, autoCollect: false, now);
                    db.RecurringSchedules.Add(schedule);
                    var due = new List<SchedulePeriod>();
                    while (rule.Period(due.Count) is { } period && period.IssueOn <= today)
                        due.Add(period);
                    // The next period is days away: a local midnight passing while the test runs makes nothing more due.
                    rule.Period(due.Count)!.Value.IssueOn.ShouldBeGreaterThan(today.AddDays(1));
                    due.ShouldNotBeEmpty();
                    expected[schedule.Id] = due;
                }
            }
            await db.SaveChangesAsync();
        }
        return expected;
    }

    /// <summary>
    /// What generation has committed is whole: no period twice, none but the schedule's due ones (and, once
    /// <paramref name="complete"/>, all of them), each with one open invoice, one issue booking and one email; each firm's
    /// numbers gapless from its first and never dated back; each schedule moved on past what it made.
    /// </summary>
    private async Task AssertConsistentAsync(Dictionary<Guid, List<SchedulePeriod>> expected, bool complete)
    {
        await using var db = _app.OpenDb();
        var generated = await db.RecurringInvoices.IgnoreQueryFilters().AsNoTracking().ToListAsync();
        var invoices = await db.Invoices.IgnoreQueryFilters().AsNoTracking().ToDictionaryAsync(i => i.Id);
        var bookings = await db.LedgerTransactions.IgnoreQueryFilters().AsNoTracking()
            .Where(t => t.Kind == LedgerTransactionKind.InvoiceIssued).Select(t => t.IdempotencyKey).ToListAsync();
        var emails = await RecurringEmailsAsync();
        var schedules = await db.RecurringSchedules.IgnoreQueryFilters().AsNoTracking().ToDictionaryAsync(s => s.Id);

        generated.Select(g => (g.ScheduleId, g.PeriodStart)).Distinct().Count().ShouldBe(generated.Count);
        foreach (var (scheduleId, due) in expected)
        {
            var made = generated.Where(g => g.ScheduleId == scheduleId).OrderBy(g => g.PeriodIndex).ToList();
            // Oldest first: what is made is always the first due periods, in order.
            made.Select(g => (g.PeriodIndex, g.PeriodStart, g.PeriodEnd)).ShouldBe(due.Take(complete ? due.Count : made.Count).Select(p => (p.Index, p.Start, p.End)),
                $"schedule {scheduleId}");
            schedules[scheduleId].GeneratedCount.ShouldBe(made.Count);
            schedules[scheduleId].NextPeriodIndex.ShouldBe(made.Count);
        }

        generated.Select(g => g.InvoiceId).Distinct().Count().ShouldBe(generated.Count);
        invoices.Keys.ShouldBe(generated.Select(g => g.InvoiceId), ignoreOrder: true);
        foreach (var g in generated)
        {
            var invoice = invoices[g.InvoiceId];
            invoice.ClientAccountId.ShouldBe(g.ClientAccountId);
            invoice.Status.ShouldBe(InvoiceStatus.Open);
            invoice.IssueDate.ShouldBeGreaterThanOrEqualTo(expected[g.ScheduleId][g.PeriodIndex].IssueOn);
        }
        foreach (var firm in invoices.Values.GroupBy(i => i.FirmId))
        {
            var numbered = firm.OrderBy(i => i.Number, StringComparer.Ordinal).ToList();
            numbered.Select(i => i.Number).ShouldBe(Enumerable.Range(1, numbered.Count).Select(n => $"INV-{n:D5}"));
            numbered.Select(i => i.IssueDate).ShouldBeInOrder(SortDirection.Ascending);
        }
        bookings.ShouldBe(invoices.Keys.Select(Invoicing.IssueKey), ignoreOrder: true);

        emails.Select(e => e.IdempotencyKey).ShouldBe(generated.Select(g => RecurringInvoice.EmailKey(g.ScheduleId, g.PeriodStart)), ignoreOrder: true);
        emails.Select(e => e.AttachmentDocumentId!.Value).ShouldBe(invoices.Keys, ignoreOrder: true);
    }

    private Dictionary<string, string?> Settings()
    {
        var settings = PortalProcess.SettingsFor(_app, _smtp.Port);
        settings["Portal__PublicBaseUrl"] = _app.BaseUrl.ToString();
        return settings;
    }

    private async Task<int> CountGeneratedAsync()
    {
        await using var db = _app.OpenDb();
        return await db.RecurringInvoices.IgnoreQueryFilters().CountAsync();
    }

    private async Task<List<EmailMessage>> RecurringEmailsAsync()
    {
        await using var db = _app.OpenDb();
        return await db.Set<EmailMessage>().IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.IdempotencyKey != null && m.IdempotencyKey.StartsWith("recurring:")).ToListAsync();
    }

    private static async Task WaitForAsync(PortalProcess process, Func<Task<bool>> done, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await done())
        {
            process.ShouldBeRunning();
            if (deadline.Elapsed > TimeSpan.FromSeconds(180))
                throw new TimeoutException($"Not {what}.\n{process.Output}");
            await Task.Delay(100);
        }
    }
}
