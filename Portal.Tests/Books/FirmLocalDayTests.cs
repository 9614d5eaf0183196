using Portal.Books;
using Portal.Domain.Books;
using Portal.Domain.Firms;
using Portal.Domain.Ledger;
using Portal.Invoices;
using Portal.Payments;
using Portal.Tests.Fixture;
using Xunit;

namespace Portal.Tests.Books;

/// <summary>
/// Half an hour into the 1st of a month in Paris, UTC is still on the last day of the month before. Every date the
/// firm sees (what is overdue, a payment's day, the books' day and month, closing the month just ended) is Paris's.
/// </summary>
public sealed class FirmLocalDayTests : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => ((IAsyncLifetime)_app).InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    private static readonly BusinessCalendar Paris = new(Firm.DefaultTimeZone);

    [Fact]
    public async Task Half_an_hour_into_the_first_of_the_month_in_paris_everything_is_dated_the_first()
    {
        // The 1st of next month: the invoice below is issued today, in the month that has just ended by then.
        var today = Paris.DayOf(_app.Clock.GetUtcNow());
        var first = new DateOnly(today.Year, today.Month, 1).AddMonths(1);
        var instant = Paris.StartOf(first).AddMinutes(30);
        DateOnly.FromDateTime(instant.UtcDateTime).ShouldBe(first.AddDays(-1), "UTC is still on the month before");

        var (firm, client) = await _app.AFirmWithAClientAsync();
        var invoice = await _app.AnInvoice(client).WithLine("Audit", 1, 100_00).DueInDays(first.AddDays(-1).DayNumber - _app.Today.DayNumber).IssuedAsync();
        ((TestClock)_app.Clock).Advance(instant - _app.Clock.GetUtcNow());
        _app.Today.ShouldBe(first);

        // Due on the last day of the month before: overdue since Paris's midnight.
        var overdue = await _app.AsStaffOfAsync<InvoiceListQuery, Portal.Data.ListPage<InvoiceRow>>(firm, q => q.RunAsync(new InvoiceListRequest { Overdue = true }));
        overdue.Rows.Select(r => r.Id).ShouldBe([invoice.Id]);

        // A transfer recorded now is the 1st's: in the payment list's day and in the new month's books.
        var transfer = await _app.PayByTransferAsync(client, invoice.Id, 40_00);
        var onTheFirst = await _app.AsStaffOfAsync<PaymentListQuery, Portal.Data.ListPage<PaymentListRow>>(firm, q => q.RunAsync(new PaymentListRequest { From = first, To = first }));
        onTheFirst.Rows.Select(r => r.Id).ShouldBe([transfer]);
        var month = AccountingPeriod.Of(first);
        var entries = await EntriesAsync(firm, month);
        var payment = entries.Single(e => e.PaymentId == transfer);
        payment.Date.ShouldBe(first);
        payment.Number.ShouldBe(JournalEntry.NumberOf("BQ", month, 1));
        (await EntriesAsync(firm, month.Previous)).ShouldNotContain(e => e.PaymentId == transfer);

        // The month before is over in Paris: it can be closed, and this month stays open.
        await _app.AsStaffOfAsync<BooksAdministration>(firm, a => a.CloseAsync(month.Previous));
        await _app.PayByTransferAsync(client, invoice.Id, 10_00);
        (await _app.InvoiceAsync(firm, invoice.Id)).AmountDue.ShouldBe(client.Amount(50_00));
        await _app.LedgerShouldBeConsistentAsync(firm);
    }

    private async Task<List<JournalEntry>> EntriesAsync(TestFirm firm, AccountingPeriod period)
    {
        var entries = new List<JournalEntry>();
        await _app.AsStaffOfAsync<JournalEntries>(firm, async journal =>
        {
            await foreach (var entry in journal.ReadAsync(period, period))
                entries.Add(entry);
        });
        return entries;
    }
}
