using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Domain;
using Portal.Email;
using Portal.Invoices.Delivery;
using Portal.Notifications;
using Portal.PayLinks;
using Portal.Tests.Fixture;

namespace Portal.Tests.Email;

/// <summary>
/// Nothing sent twice, with a real crash: Portal runs as its own process (<c>dotnet Portal.dll</c>), queues emails,
/// is killed before it could send them, and a second process on the same database sends each one exactly once,
/// although it runs the job that queued them again.
/// </summary>
public sealed class AppProcessKillTests : IAsyncLifetime
{
    /// <summary>
    /// Owns the test database and writes the facts the processes start from; it sends nothing and queues no digest
    /// itself, so every email of the test comes from the processes.
    /// </summary>
    private sealed class Seeder : PortalApp
    {
        protected override void ConfigureTestServices(IServiceCollection services)
        {
            // The digest job is registered through a factory (it is also a singleton of its own): the app's only
            // hosted service so registered outside Redis, which these tests do not use.
            foreach (var job in services.Where(s => s.ServiceType == typeof(IHostedService)
                         && (s.ImplementationType == typeof(EmailDispatcher) || s.ImplementationFactory is not null)).ToList())
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
    public async Task Emails_queued_by_a_process_killed_before_sending_arrive_exactly_once_after_a_new_process_starts()
    {
        // The daily digest is queued by the app's own job as it starts, for the day before on the process's clock:
        // the system clock, as in production, so the notices are dated on it too.
        var now = TimeProvider.System.GetUtcNow();
        var readers = new List<TestLogin>();
        for (var i = 0; i < 2; i++)
        {
            var firm = await _app.AFirmAsync();
            await using var db = _app.OpenDb(firm.Id);
            foreach (var person in new[] { firm.Owner, firm.Staff })
            {
                db.Add(new NotificationPreference(firm.Id, person.UserId, NotificationFrequency.DailyDigest));
                // Yesterday and today: if midnight passes while the test runs, the next day has notices as well.
                foreach (var at in new[] { now.AddDays(-1), now })
                    db.Add(new StaffNotification(firm.Id, person.UserId, NotificationKind.PaymentReceived, Guid.NewGuid(), "Blue River Studio",
                        new Money(40_00, Currency.EUR), at));
                readers.Add(person);
            }
            await db.SaveChangesAsync();
        }

        // An invoice sent by staff: its email carries a pay link, whose token no process keeps. It is queued by this
        // test's own instance, which sends nothing (its dispatcher is removed) and so is as good as dead for it: only
        // a process that can derive the link again can send it.
        _app.Services.GetRequiredService<IConfiguration>()["Portal:PublicBaseUrl"] = _app.BaseUrl.ToString();
        var (billed, client) = await _app.AFirmWithAClientAsync();
        var invoice = await _app.AnInvoice(client).WithLine("Audit", 1, 120_00).IssuedAsync();
        // Guests may pay: opening the link below then sends nothing (otherwise its address, which has no sign-in, would
        // be invited, by this instance that sends nothing).
        await _app.AsStaffOfAsync<DeliverySettings>(billed, s => s.SaveAsync(emailInvoicesWhenIssued: false, guestPayAllowed: true));
        var invoiceTo = (await _app.AsStaffOfAsync<InvoiceDelivery, DeliveryResult>(billed, d => d.SendAsync(invoice.Id))).Recipient!;

        // The first process: the mail server answers "try later", so everything it queues stays owed.
        _smtp.Refusing = true;
        List<string> queuedKeys;
        await using (var first = PortalProcess.Start(ProcessSettings()))
        {
            var queued = await WaitForRowsAsync(first, rows => rows.Count == readers.Count + 1 && rows.All(m => m is { Status: EmailStatus.Pending, Attempts: >= 1 }),
                "every digest and the invoice queued and owed");
            var digests = queued.Where(m => m.To != invoiceTo).ToList();
            digests.Select(m => m.To).ShouldBe(readers.Select(r => r.Email), ignoreOrder: true);
            first.Kill();
            queuedKeys = digests.Select(m => m.IdempotencyKey!).ToList();
        }
        _smtp.Received.ShouldBeEmpty();

        // The second process on the same database, the mail server back.
        _smtp.Refusing = false;
        await using var second = PortalProcess.Start(ProcessSettings());
        foreach (var reader in readers)
            await second.WhileRunningAsync(_smtp.WaitForAsync(reader.Email, timeout: TimeSpan.FromSeconds(120)));
        var invoiceEmail = (await second.WhileRunningAsync(_smtp.WaitForAsync(invoiceTo, timeout: TimeSpan.FromSeconds(120)))).ShouldHaveSingleItem();
        // Its pay link works: the second process wrote the live token in from the link's id.
        var text = invoiceEmail.TextBody ?? "";
        var payLink = text[text.IndexOf("/pay/", StringComparison.Ordinal)..].Split(' ', '\n', '\r')[0];
        using (var visitor = _app.AnonymousSession())
            (await visitor.GetAsync(payLink)).Headers.Location!.OriginalString.ShouldNotBe(PayLinkEndpoints.InvalidPage);
        // A last email queued after the rest, without a key: the dispatcher sends in order, so once it is in, all
        // that was owed has gone, and a duplicate would have gone before it.
        var marker = $"drain-{Guid.NewGuid():N}@portal.test";
        await using (var db = _app.OpenDb())
        {
            var firmId = await db.Firms.IgnoreQueryFilters().Select(f => f.Id).FirstAsync();
            db.Add(new EmailMessage(firmId, marker, "drain", "drain", "<p>drain</p>", TimeProvider.System.GetUtcNow()));
            await db.SaveChangesAsync();
        }
        await second.WhileRunningAsync(_smtp.WaitForAsync(marker, timeout: TimeSpan.FromSeconds(60)));

        // The mail server has the marker a moment before the dispatcher writes that down.
        var stored = await WaitForRowsAsync(second, rows => rows.All(m => m.Status == EmailStatus.Sent), "every email marked sent");
        stored.Count(m => m.IdempotencyKey == null).ShouldBe(1);
        // The second process ran the digest job again (and would have for any day it finds owed): nothing more for
        // the day the first one queued.
        var firstDay = queuedKeys.Select(k => k[^10..]).Distinct().ShouldHaveSingleItem();
        stored.Where(m => m.IdempotencyKey?.EndsWith(firstDay, StringComparison.Ordinal) == true).Select(m => m.IdempotencyKey)
            .ShouldBe(queuedKeys, ignoreOrder: true);
        // Each stored email reached the mail server exactly once (the dispatcher names each message after its row).
        var arrived = _smtp.Received.GroupBy(m => m.MessageId ?? "").ToDictionary(g => g.Key, g => g.Count());
        arrived.Count.ShouldBe(stored.Count);
        foreach (var message in stored)
            arrived.GetValueOrDefault($"{message.Id}@portal").ShouldBe(1, message.To);
    }

    private Dictionary<string, string?> ProcessSettings() => PortalProcess.SettingsFor(_app, _smtp.Port);

    private async Task<List<EmailMessage>> StoredEmailsAsync()
    {
        await using var db = _app.OpenDb();
        return await db.Set<EmailMessage>().IgnoreQueryFilters().AsNoTracking().OrderBy(m => m.CreatedAt).ToListAsync();
    }

    /// <summary>Waits until the stored emails are as <paramref name="done"/> says, failing early with its output if the process ends.</summary>
    private async Task<List<EmailMessage>> WaitForRowsAsync(PortalProcess process, Func<List<EmailMessage>, bool> done, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var rows = await StoredEmailsAsync();
            if (done(rows))
                return rows;
            process.ShouldBeRunning();
            if (deadline.Elapsed > TimeSpan.FromSeconds(120))
                throw new TimeoutException($"Not {what}: {string.Join(", ", rows.Select(r => $"{r.To} {r.Status} {r.Attempts}"))}\n{process.Output}");
            // The rows are the signal: another process writes them.
            await Task.Delay(100);
        }
    }
}
