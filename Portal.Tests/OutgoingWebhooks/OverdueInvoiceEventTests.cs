using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.OutgoingWebhooks;
using Portal.OutgoingWebhooks;
using Portal.Tests.Fixture;

namespace Portal.Tests.OutgoingWebhooks;

/// <summary><c>invoice.overdue</c>: raised by the passing of time, once per invoice, however many sweeps run at once.</summary>
public sealed class OverdueInvoiceEventTests(OutgoingWebhookApp app) : IClassFixture<OutgoingWebhookApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private OverdueInvoiceEvents Sweep => app.Services.GetRequiredService<OverdueInvoiceEvents>();

    [Fact]
    public async Task An_invoice_past_its_due_date_is_announced_once_and_one_not_yet_due_or_paid_is_not()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (_, path) = await app.AnEndpointAsync(firm, OutgoingEventTypes.InvoiceOverdue);
        var late = await app.AnInvoice(client).WithLine("Bookkeeping", 1, 100_00).IssuedDaysAgo(32).DueInDays(30).IssuedAsync();
        var notYet = await app.AnInvoice(client).WithLine("Payroll", 1, 50_00).DueInDays(3).IssuedAsync();
        var paid = await app.AnInvoice(client).WithLine("Set-up", 1, 40_00).IssuedDaysAgo(40).DueInDays(30).IssuedAsync();
        await app.PayByTransferAsync(client, paid.Id, 40_00);

        await Sweep.AnnounceAsync();
        await Sweep.AnnounceAsync();

        var request = (await app.Receiver.WaitForAsync(path, 1)).Single();
        request.EventType.ShouldBe("invoice.overdue");
        var data = JsonDocument.Parse(request.Body).RootElement.GetProperty("data");
        (data.GetProperty("id").GetGuid(), data.GetProperty("amount_due").GetProperty("amount_minor").GetInt64()).ShouldBe((late.Id, 100_00L));
        await using var db = app.OpenDb(firm.Id);
        (await db.OutgoingEvents.Where(e => e.Type == OutgoingEventTypes.InvoiceOverdue).Select(e => e.SubjectId).ToListAsync()).ShouldBe([late.Id]);

        // Its day comes: announced then, and only then.
        ((TestClock)app.Clock).Advance(TimeSpan.FromDays(4));
        await Sweep.AnnounceAsync();
        (await db.OutgoingEvents.CountAsync(e => e.Type == OutgoingEventTypes.InvoiceOverdue && e.SubjectId == notYet.Id)).ShouldBe(1);
        (await db.OutgoingEvents.CountAsync(e => e.Type == OutgoingEventTypes.InvoiceOverdue && e.SubjectId == paid.Id)).ShouldBe(0);
    }

    [Fact]
    public async Task Sweeps_running_at_once_announce_each_invoice_once()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoices = new List<Guid>();
        for (var i = 0; i < 6; i++)
            invoices.Add((await app.AnInvoice(client).WithLine("Bookkeeping", 1, 100_00 + i).IssuedDaysAgo(35).DueInDays(30).IssuedAsync()).Id);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Sweep.AnnounceAsync())));

        await using var db = app.OpenDb(firm.Id);
        var announced = await db.OutgoingEvents.Where(e => e.Type == OutgoingEventTypes.InvoiceOverdue).Select(e => e.SubjectId).ToListAsync();
        announced.Order().ShouldBe(invoices.Order());
        (await db.Invoices.CountAsync(i => i.OverdueAnnouncedAt != null)).ShouldBe(6);
    }
}
