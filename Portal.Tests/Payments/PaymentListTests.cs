using System.Net;
using Portal.Data;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tests.Fixture;

namespace Portal.Tests.Payments;

/// <summary>The staff payment list: paged, sorted, filtered and searched in SQL, inside the firm.</summary>
public sealed class PaymentListTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private Task<ListPage<PaymentListRow>> ListAsync(TestFirm firm, PaymentListRequest request) =>
        app.AsStaffOfAsync<PaymentListQuery, ListPage<PaymentListRow>>(firm, q => q.RunAsync(request));

    private Task<MoneyResult> RecordAsync(TestClient client, PaymentMethod method, long minor, string? reference, Guid? invoiceId = null) =>
        app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(client.Firm, s => s.RecordAsync(new(client.Id, method, client.Amount(minor),
            invoiceId is { } id ? [new InvoiceAmount(id, client.Amount(minor))] : [], SurplusToCredit: true, reference, MoneyChecks.NewKey())));

    [Fact]
    public async Task Method_status_date_and_search_filters_keep_the_right_payments_of_the_firm()
    {
        var other = await app.AFirmAsync();
        var lookalike = await app.AClientAsync(other, name: "Maison Dupont");
        await RecordAsync(lookalike, PaymentMethod.Cheque, 10_00, "CHQ-4410");
        var firm = await app.AFirmAsync();
        var dupont = await app.AClientAsync(firm, name: "Maison Dupont");
        var river = await app.AClientAsync(firm, name: "Blue River Studio");
        var invoice = await app.AnInvoice(river).WithLine("Design", 1, 250_00).IssuedAsync();
        var cheque = (await RecordAsync(dupont, PaymentMethod.Cheque, 120_00, "CHQ-4410")).Id!.Value;
        var transfer = (await RecordAsync(river, PaymentMethod.BankTransfer, 250_00, null, invoice.Id)).Id!.Value;
        var cash = (await RecordAsync(river, PaymentMethod.Cash, 5_00, "till")).Id!.Value;
        await app.AsStaffOfAsync<PaymentCorrections>(firm, s => s.VoidManualAsync(cash, "Entered twice", MoneyChecks.NewKey()));

        var all = await ListAsync(firm, new());
        all.Total.ShouldBe(3);
        all.Rows.Select(r => r.Id).ToHashSet().SetEquals([cheque, transfer, cash]).ShouldBeTrue();
        (await ListAsync(firm, new() { Method = PaymentMethod.Cheque })).Rows.Select(r => r.Id).ShouldBe([cheque]);
        (await ListAsync(firm, new() { Status = PaymentStatus.Reversed })).Rows.Select(r => r.Id).ShouldBe([cash]);
        (await ListAsync(firm, new() { Search = "chq-44" })).Rows.Select(r => r.Id).ShouldBe([cheque]);
        (await ListAsync(firm, new() { Search = "dupont" })).Rows.Select(r => r.Id).ShouldBe([cheque]);
        (await ListAsync(firm, new() { Search = invoice.Number })).Rows.Select(r => r.Id).ShouldBe([transfer]);
        (await ListAsync(firm, new() { Sort = PaymentSort.Amount, Descending = true })).Rows.Select(r => r.Id).ShouldBe([transfer, cheque, cash]);
        (await ListAsync(firm, new() { From = app.Today, To = app.Today })).Total.ShouldBe(3);
        (await ListAsync(firm, new() { To = app.Today.AddDays(-1) })).Total.ShouldBe(0);
        (await ListAsync(firm, new() { From = app.Today.AddDays(1) })).Total.ShouldBe(0);
    }

    [Fact]
    public async Task The_page_lists_the_firms_payments_from_its_url()
    {
        var other = await app.AFirmAsync();
        await RecordAsync(await app.AClientAsync(other, name: "Elsewhere Ltd"), PaymentMethod.Cheque, 10_00, "CHQ-OTHER");
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm, name: "Maison Dupont");
        await RecordAsync(client, PaymentMethod.Cheque, 120_00, "CHQ-4410");
        await RecordAsync(client, PaymentMethod.Cash, 7_00, "TILL-9");
        using var staff = await app.SignInAsync(firm.Staff);

        var (status, html) = await staff.GetPageAsync("/staff/payments?method=Cheque");
        var (_, all) = await staff.GetPageAsync("/staff/payments");

        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("CHQ-4410");
        html.ShouldNotContain("TILL-9");
        html.ShouldContain("1 found");
        all.ShouldContain("TILL-9");
        all.ShouldNotContain("CHQ-OTHER");
        all.ShouldNotContain("Elsewhere Ltd");
    }
}
