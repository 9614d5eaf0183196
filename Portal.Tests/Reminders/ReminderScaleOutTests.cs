using Microsoft.EntityFrameworkCore;
using Portal.Domain.Reminders;
using Portal.Email;
using Portal.Tests.Email;
using Portal.Tests.Fixture;
using Xunit;

namespace Portal.Tests.Reminders;

/// <summary>Two app instances on one database sweeping at the same moment, again and again: each (invoice, step) is reminded once.</summary>
public sealed class ReminderScaleOutTests : IAsyncLifetime
{
    private readonly MailPortalApp _first = new();
    private MailPortalApp _second = default!;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)_first).InitializeAsync();
        _second = new SecondInstance(_first);
        await ((IAsyncLifetime)_second).InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)_second).DisposeAsync();
        await ((IAsyncLifetime)_first).DisposeAsync();
    }

    private sealed class SecondInstance(PortalApp first) : MailPortalApp
    {
        protected override PortalApp? SharesDatabaseWith => first;
    }

    [Fact]
    public async Task Two_instances_sweeping_together_send_each_invoice_step_exactly_once()
    {
        var (first, second) = (_first, _second);
        var firm = await first.AFirmAsync();
        await first.TurnOnRemindersAsync(firm);
        var addresses = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var client = await first.AClientAsync(firm);
            addresses.Add(await first.BillingEmailAsync(client));
            // Half at the "due today" step, half a week late.
            await first.AnInvoice(client).WithLine("Monthly bookkeeping", 1, 100_00 + i).DueInLocalDays(first, i % 2 == 0 ? 0 : -7, issuedDaysAgo: 20).IssuedAsync();
        }

        var sweeps = Enumerable.Range(0, 3).SelectMany(_ => new[] { Task.Run(() => first.Sweeper().SweepAsync()), Task.Run(() => second.Sweeper().SweepAsync()) });
        var results = await Task.WhenAll(sweeps);

        results.Sum(r => r.Decided).ShouldBe(12);
        results.Sum(r => r.Sent).ShouldBe(12);
        var reminders = await first.RemindersOfAsync(firm);
        reminders.Count.ShouldBe(12);
        reminders.ShouldAllBe(r => r.Status == ReminderStatus.Sent);
        reminders.Count(r => r.Step == ReminderStep.DueToday).ShouldBe(6);
        reminders.Count(r => r.Step == ReminderStep.Overdue).ShouldBe(6);
        var emails = await first.ReminderEmailsAsync(firm);
        emails.Select(e => e.IdempotencyKey).Distinct().Count().ShouldBe(12);

        // Each email leaves from the instance that wrote it (it alone holds the pay link): wait for all of them on either
        // mail server. Once every stored reminder email is marked sent, nothing more can leave: each address had one.
        foreach (var address in addresses)
            await WaitForEitherAsync(first.Smtp, second.Smtp, address);
        await EventuallyAsync(async () => (await first.ReminderEmailsAsync(firm)).All(e => e.Status == EmailStatus.Sent));
        foreach (var address in addresses)
            (first.Smtp.To(address).Count + second.Smtp.To(address).Count).ShouldBe(1, address);
    }

    /// <summary>Waits for the outbox to record what the mail server already has (the dispatcher marks it sent just after).</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > until)
                throw new TimeoutException("The reminder emails were not all marked sent.");
            await Task.Yield();
        }
    }

    private static async Task WaitForEitherAsync(SmtpSink a, SmtpSink b, string address)
    {
        var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (a.To(address).Count + b.To(address).Count == 0)
        {
            if (DateTimeOffset.UtcNow > until)
                throw new TimeoutException($"No reminder reached {address} on either instance.");
            try { await a.WaitForAsync(address, timeout: TimeSpan.FromMilliseconds(250)); } catch (TimeoutException) { }
            try { await b.WaitForAsync(address, timeout: TimeSpan.FromMilliseconds(250)); } catch (TimeoutException) { }
        }
    }
}
