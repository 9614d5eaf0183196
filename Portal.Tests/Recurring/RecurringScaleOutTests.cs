using Portal.Domain.Invoices;
using Portal.Email;
using Portal.Tests.Fixture;

namespace Portal.Tests.Recurring;

/// <summary>
/// Two app instances on one database generating at the same moment, again and again, then a third started on the same
/// database as after a restart (its start-up run included): each period is invoiced, numbered and emailed once.
/// </summary>
public sealed class RecurringScaleOutTests : IAsyncLifetime
{
    private readonly RecurringPortalApp _first = new();
    private RecurringPortalApp _second = default!;

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

    private sealed class SecondInstance(PortalApp first) : RecurringPortalApp
    {
        protected override PortalApp? SharesDatabaseWith => first;
    }

    /// <summary>The same database after a restart, with the hourly generator on as in production (it runs at start).</summary>
    private sealed class RestartedInstance(PortalApp first) : RecurringPortalApp
    {
        protected override PortalApp? SharesDatabaseWith => first;
        protected override bool GeneratorRuns => true;
    }

    [Fact]
    public async Task Two_instances_and_a_restart_invoice_each_period_once_with_gapless_numbers_and_one_email()
    {
        var (first, second) = (_first, _second);
        var firm = await first.AFirmAsync();
        var today = first.LocalToday();
        var addresses = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var client = await first.AClientAsync(firm);
            addresses.Add(await first.BillingEmailAsync(client));
            // Started two weeks ago and never run: three periods are due (−14, −7, today), the next one is in a week.
            await first.AWeeklyScheduleAsync(client, today.AddDays(-14), unitPriceMinor: 90_00 + i);
        }

        var runs = Enumerable.Range(0, 3).SelectMany(_ => new[] { Task.Run(() => first.Generator().GenerateDueAsync()), Task.Run(() => second.Generator().GenerateDueAsync()) });
        var made = await Task.WhenAll(runs);

        made.Sum().ShouldBe(18);
        var invoices = await first.InvoicesOfAsync(firm);
        invoices.Count.ShouldBe(18);
        invoices.Select(i => i.Number).ShouldBe(Enumerable.Range(1, 18).Select(n => $"INV-{n:D5}"));
        invoices.ShouldAllBe(i => i.Status == InvoiceStatus.Open && i.IssueDate == today && i.DueDate == today.AddDays(14));
        var generated = await first.GeneratedOfAsync(firm);
        generated.Select(g => (g.ScheduleId, g.PeriodStart)).Distinct().Count().ShouldBe(18);
        generated.Select(g => g.PeriodStart).Distinct().Order().ShouldBe([today.AddDays(-14), today.AddDays(-7), today]);

        var emails = await first.RecurringEmailsAsync(firm);
        emails.Count.ShouldBe(18);
        emails.Select(e => e.IdempotencyKey).Distinct().Count().ShouldBe(18);
        foreach (var address in addresses)
            await WaitForEitherAsync(first.Smtp, second.Smtp, address, 3);
        await EventuallyAsync(async () => (await first.RecurringEmailsAsync(firm)).All(e => e.Status == EmailStatus.Sent));
        foreach (var address in addresses)
            (first.Smtp.To(address).Count + second.Smtp.To(address).Count).ShouldBe(3, address);

        // Once every email has gone, a restart on the same database: its start-up run and one more make nothing.
        var restarted = new RestartedInstance(first);
        await ((IAsyncLifetime)restarted).InitializeAsync();
        try
        {
            (await restarted.Generator().GenerateDueAsync()).ShouldBe(0);
            (await restarted.InvoicesOfAsync(firm)).Count.ShouldBe(18);
            (await restarted.RecurringEmailsAsync(firm)).Count.ShouldBe(18);
        }
        finally
        {
            await ((IAsyncLifetime)restarted).DisposeAsync();
        }
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > until)
                throw new TimeoutException("The recurring invoice emails were not all marked sent.");
            await Task.Yield();
        }
    }

    private static async Task WaitForEitherAsync(SmtpSink a, SmtpSink b, string address, int count)
    {
        var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (a.To(address).Count + b.To(address).Count < count)
        {
            if (DateTimeOffset.UtcNow > until)
                throw new TimeoutException($"{count} invoice emails did not reach {address}.");
            try { await a.WaitForAsync(address, timeout: TimeSpan.FromMilliseconds(250)); } catch (TimeoutException) { }
            try { await b.WaitForAsync(address, timeout: TimeSpan.FromMilliseconds(250)); } catch (TimeoutException) { }
        }
    }
}
