using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Books;
using Portal.Domain;
using Portal.Domain.Books;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Invoices;
using Portal.Ledger;
using Portal.Payments;
using Portal.Domain.Payments;
using Portal.Tests.Fixture;

namespace Portal.Tests.Books;

/// <summary>
/// The app on a clock that can be set back: a write dated in a closed month needs "now" inside that month after the
/// month was closed, which is what a slow request, a replayed job or a server clock put right does.
/// </summary>
public sealed class BackdatableApp : PortalApp
{
    public BackdatableClock Backdatable { get; } = new();

    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.RemoveAll<TimeProvider>().AddSingleton<TimeProvider>(Backdatable);
}

public sealed class BackdatableClock : TimeProvider
{
    private readonly TestClock _clock = new();
    private TimeSpan _back;

    public override DateTimeOffset GetUtcNow() => _clock.GetUtcNow() - _back;

    public void SetBack(TimeSpan by) => _back = by;
}

public sealed class PeriodCloseTests(BackdatableApp app) : IClassFixture<BackdatableApp>, IAsyncLifetime
{
    public Task InitializeAsync()
    {
        app.Backdatable.SetBack(TimeSpan.Zero);
        return app.ResetAsync();
    }

    public Task DisposeAsync()
    {
        app.Backdatable.SetBack(TimeSpan.Zero);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Posting_into_a_closed_month_is_refused_with_nothing_written_and_goes_through_in_the_open_month()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var today = app.Today;
        var lastMonth = AccountingPeriod.Of(today).Previous;
        // An invoice issued last month, so the month has postings to close.
        var intoLastMonth = today.DayNumber - lastMonth.LastDay.DayNumber;
        app.Backdatable.SetBack(TimeSpan.FromDays(intoLastMonth));
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var draft = await app.AnInvoice(client).WithLine("Late work", 1, 10_00).DraftAsync();
        app.Backdatable.SetBack(TimeSpan.Zero);
        await app.AsStaffOfAsync<BooksAdministration>(firm, a => a.CloseAsync(lastMonth));
        var before = await app.MoneySnapshotAsync(firm);

        // "Now" back inside the closed month: a transfer recorded then would be dated in it.
        app.Backdatable.SetBack(TimeSpan.FromDays(intoLastMonth));
        var refused = await Should.ThrowAsync<DomainException>(() => app.PayByTransferAsync(client, invoice.Id, 40_00));
        refused.Message.ShouldBe($"The books of {lastMonth} are closed: nothing can be posted into that month. Record the correction in the open period.");
        await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<Invoicing, string>(firm, s => s.IssueAsync(draft.Id)));

        (await app.MoneySnapshotAsync(firm)).ShouldBe(before);
        await using (var db = app.OpenDb(firm.Id))
        {
            (await db.Payments.CountAsync()).ShouldBe(0);
            (await db.LedgerTransactions.CountAsync()).ShouldBe(1);
            (await db.Invoices.SingleAsync(i => i.Id == draft.Id)).Status.ShouldBe(InvoiceStatus.Draft);
        }

        // A transfer recorded today but received on a day of the closed month is dated on that day: refused too.
        app.Backdatable.SetBack(TimeSpan.Zero);
        var receivedInClosedMonth = new DateTimeOffset(lastMonth.LastDay.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        var receivedRefused = await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(firm, s => s.RecordAsync(new(client.Id,
            PaymentMethod.BankTransfer, client.Amount(40_00), [new InvoiceAmount(invoice.Id, client.Amount(40_00))], false, null, MoneyChecks.NewKey(), receivedInClosedMonth))));
        receivedRefused.Message.ShouldBe(refused.Message);
        (await app.MoneySnapshotAsync(firm)).ShouldBe(before);

        // The correction goes to the open month.
        await app.PayByTransferAsync(client, invoice.Id, 40_00);
        (await app.InvoiceAsync(firm, invoice.Id)).AmountDue.ShouldBe(client.Amount(60_00));
        await using (var db = app.OpenDb(firm.Id))
            (await db.LedgerTransactions.Where(t => t.Kind == LedgerTransactionKind.ManualPayment).Select(t => t.OccurredAt).SingleAsync())
                .ShouldBeGreaterThanOrEqualTo(new BusinessCalendar(Firm.DefaultTimeZone).StartOf(AccountingPeriod.Of(today)));
    }

    [Fact]
    public async Task Closed_month_numbers_stay_the_same_after_later_postings()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var today = app.Today;
        var lastMonth = AccountingPeriod.Of(today).Previous;
        app.Backdatable.SetBack(TimeSpan.FromDays(today.DayNumber - lastMonth.LastDay.DayNumber));
        var first = await app.AnInvoice(client).WithLine("One", 1, 10_00).IssuedAsync();
        var second = await app.AnInvoice(client).WithLine("Two", 1, 20_00).IssuedAsync();
        app.Backdatable.SetBack(TimeSpan.Zero);
        await app.AsStaffOfAsync<BooksAdministration>(firm, a => a.CloseAsync(lastMonth));
        var closedNumbers = await NumbersAsync(firm, lastMonth);

        await app.AnInvoice(client).WithLine("Three", 1, 30_00).IssuedAsync();
        await app.PayByTransferAsync(client, first.Id, 10_00);

        (await NumbersAsync(firm, lastMonth)).ShouldBe(closedNumbers);
        closedNumbers.ShouldBe([(JournalEntry.NumberOf("VT", lastMonth, 1), first.Number!), (JournalEntry.NumberOf("VT", lastMonth, 2), second.Number!)]);
        var thisMonth = await NumbersAsync(firm, AccountingPeriod.Of(today));
        thisMonth.Select(e => e.Number).ShouldBe([JournalEntry.NumberOf("VT", AccountingPeriod.Of(today), 1), JournalEntry.NumberOf("BQ", AccountingPeriod.Of(today), 1)]);
        await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<BooksAdministration>(firm, a => a.CloseAsync(AccountingPeriod.Of(today))));
    }

    private async Task<List<(string Number, string Reference)>> NumbersAsync(TestFirm firm, AccountingPeriod period)
    {
        var numbers = new List<(string, string)>();
        await app.AsStaffOfAsync<JournalEntries>(firm, async journal =>
        {
            await foreach (var entry in journal.ReadAsync(period, period))
                numbers.Add((entry.Number, entry.Reference));
        });
        return numbers;
    }
}
