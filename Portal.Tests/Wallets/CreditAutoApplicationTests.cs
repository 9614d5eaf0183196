using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
using Portal.Firms;
using Portal.Invoices;
using Portal.Tests.Fixture;
using Portal.Wallets;

namespace Portal.Tests.Wallets;

/// <summary>The payment policy's "use credit automatically": on issue, or once the invoice falls due; once, oldest first.</summary>
public sealed class CreditAutoApplicationTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private CreditAutoApplication AutoCredit => app.Services.GetRequiredService<CreditAutoApplication>();

    private Task UseCreditAsync(TestFirm firm, CreditAutoApply when) =>
        app.AsStaffOfAsync<FirmSettings>(firm, s => s.SavePaymentPolicyAsync(new PaymentPolicyInput(true, MinimumKind.None, 0, 0, true, 0, when)));

    private async Task<Invoice> IssueAsync(TestFirm firm, TestClient client, long minor, int dueInDays = 30)
    {
        var draft = await app.AnInvoice(client).WithLine("Bookkeeping", 1, minor).DueInDays(dueInDays).DraftAsync();
        await app.AsStaffOfAsync<Invoicing, string>(firm, invoicing => invoicing.IssueAsync(draft.Id));
        return await app.InvoiceAsync(firm, draft.Id);
    }

    private async Task<int> CreditPaymentsAsync(TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.Payments.CountAsync(p => p.Method == PaymentMethod.Credit);
    }

    [Fact]
    public async Task On_issue_the_clients_credit_pays_each_new_invoice_as_far_as_it_goes()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await UseCreditAsync(firm, CreditAutoApply.OnIssue);
        await app.GiveCreditAsync(client, 300_00);

        var first = await IssueAsync(firm, client, 200_00);
        var second = await IssueAsync(firm, client, 250_00);

        (first.Status, first.AmountDue).ShouldBe((InvoiceStatus.Paid, client.Amount(0)));
        (second.Status, second.AmountDue).ShouldBe((InvoiceStatus.PartiallyPaid, client.Amount(150_00)));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(0));
        (await CreditPaymentsAsync(firm)).ShouldBe(2);
        await app.LedgerShouldBeConsistentAsync(firm);

        // Credit that arrives later pays what is left at the next sweep, and a sweep run again changes nothing.
        await app.GiveCreditAsync(client, 400_00);
        await AutoCredit.ApplyDueAsync();
        await AutoCredit.ApplyDueAsync();
        (await app.InvoiceAsync(firm, second.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(250_00));
        (await CreditPaymentsAsync(firm)).ShouldBe(3);
        await app.LedgerShouldBeConsistentAsync(firm);
    }

    [Fact]
    public async Task On_the_due_date_credit_waits_for_the_day_then_pays_the_oldest_first()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await UseCreditAsync(firm, CreditAutoApply.OnDueDate);
        var later = await IssueAsync(firm, client, 100_00, dueInDays: 5);
        var sooner = await IssueAsync(firm, client, 100_00, dueInDays: 3);
        await app.GiveCreditAsync(client, 150_00);

        (await AutoCredit.ApplyDueAsync()).ShouldBe(0);
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(150_00));

        ((TestClock)app.Clock).Advance(TimeSpan.FromDays(3));
        await AutoCredit.ApplyDueAsync();
        (await app.InvoiceAsync(firm, sooner.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        (await app.InvoiceAsync(firm, later.Id)).AmountDue.ShouldBe(client.Amount(100_00));

        ((TestClock)app.Clock).Advance(TimeSpan.FromDays(2));
        await AutoCredit.ApplyDueAsync();
        (await app.InvoiceAsync(firm, later.Id)).AmountDue.ShouldBe(client.Amount(50_00));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(0));
        await app.LedgerShouldBeConsistentAsync(firm);
    }

    [Fact]
    public async Task With_the_policy_off_credit_stays_where_it_is()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.GiveCreditAsync(client, 300_00);

        var invoice = await IssueAsync(firm, client, 200_00, dueInDays: 0);
        await AutoCredit.ApplyDueAsync();

        invoice.AmountDue.ShouldBe(client.Amount(200_00));
        (await app.InvoiceAsync(firm, invoice.Id)).AmountDue.ShouldBe(client.Amount(200_00));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(300_00));
        (await CreditPaymentsAsync(firm)).ShouldBe(0);
    }

    [Fact]
    public async Task Sweeps_racing_each_other_use_the_credit_once()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await UseCreditAsync(firm, CreditAutoApply.OnDueDate);
        var invoices = new List<Invoice>();
        for (var i = 0; i < 4; i++)
            invoices.Add(await IssueAsync(firm, client, 100_00, dueInDays: 0));
        await app.GiveCreditAsync(client, 250_00);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => AutoCredit.ApplyDueAsync())));

        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(0));
        var due = new List<long>();
        foreach (var invoice in invoices)
            due.Add((await app.InvoiceAsync(firm, invoice.Id)).AmountDue.Minor);
        due.Sum().ShouldBe(150_00);
        (await CreditPaymentsAsync(firm)).ShouldBe(3);
        await app.LedgerShouldBeConsistentAsync(firm);
    }
}
