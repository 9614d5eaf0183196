using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Invoices;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tests.Fixture;
using Portal.Wallets;

namespace Portal.Tests.Ledger;

public sealed class LedgerReadTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private DateOnly Today => app.Today;

    [Fact]
    public async Task Issuing_and_voiding_an_invoice_book_its_receivable_and_revenue()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var draft = await app.AnInvoice(client).WithLine("Audit", 1, 100_00, taxBasisPoints: 2000).DraftAsync();

        await app.AsStaffOfAsync<Invoicing, string>(firm, s => s.IssueAsync(draft.Id));
        var issued = await app.LedgerShouldBeConsistentAsync(firm);
        issued.AmountDue(draft.Id, client.Currency).ShouldBe(client.Amount(120_00));
        issued.Balance(LedgerAccount.Revenue, client.Currency).ShouldBe(client.Amount(-100_00));
        issued.Balance(LedgerAccount.Tax, client.Currency).ShouldBe(client.Amount(-20_00));

        await app.AsStaffOfAsync<Invoicing>(firm, s => s.VoidAsync(draft.Id, "Wrong client"));
        var voided = await app.LedgerShouldBeConsistentAsync(firm);
        voided.AmountDue(draft.Id, client.Currency).ShouldBe(client.Amount(0));
        voided.Balance(LedgerAccount.Revenue, client.Currency).ShouldBe(client.Amount(0));
    }

    [Fact]
    public async Task Statement_shows_each_movement_with_a_running_balance_read_from_postings()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        await app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(firm, s => s.RecordAsync(new(client.Id, PaymentMethod.BankTransfer, client.Amount(130_00),
            [new InvoiceAmount(invoice.Id, client.Amount(60_00))], SurplusToCredit: true, null, MoneyChecks.NewKey())));
        await app.AsClientAsync<CreditSpender, MoneyResult>(client, s => s.ApplyAsync(new(invoice.Id, null, MoneyChecks.NewKey())));

        var statement = await app.AsClientAsync<StatementOfAccount, Statement>(client, s => s.ForClientAsync(client.Id, client.Currency, Today.AddDays(-1), Today));

        statement.Opening.ShouldBe(client.Amount(0));
        statement.Entries.Select(e => (e.Kind, e.Charged.Minor, e.Credit.Minor, e.Balance.Minor)).ShouldBe(
        [
            (LedgerTransactionKind.InvoiceIssued, 100_00, 0, 100_00),
            (LedgerTransactionKind.ManualPayment, -60_00, 70_00, -30_00),
            (LedgerTransactionKind.CreditApplied, -40_00, -40_00, -30_00),
        ]);
        statement.Closing.ShouldBe(client.Amount(-30_00));
        var later = await app.AsClientAsync<StatementOfAccount, Statement>(client, s => s.ForClientAsync(client.Id, client.Currency, Today.AddDays(1), Today.AddDays(30)));
        later.Entries.ShouldBeEmpty();
        later.Opening.ShouldBe(client.Amount(-30_00));
        var other = await app.AClientAsync(firm);
        await Should.ThrowAsync<NotFoundException>(() => app.AsClientAsync<StatementOfAccount, Statement>(other, s => s.ForClientAsync(client.Id, client.Currency, Today, Today)));
    }

    [Fact]
    public async Task Payment_history_lists_a_clients_payments_and_an_invoices_payments_with_pending_apart()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var transfer = await app.PayByTransferAsync(client, invoice.Id, 30_00);
        var card = (await app.AsProviderForAsync<ProviderPayments, MoneyResult>(firm, p => p.InitiateAsync(new(client.Id, PaymentMethod.DirectDebit, PaymentProvider.GoCardless,
            [new InvoiceAmount(invoice.Id, client.Amount(70_00))], null, MoneyChecks.NewKey())))).Id!.Value;
        await app.AsProviderForAsync<ProviderPayments, MoneyResult>(firm, p => p.MarkProcessingAsync(card, "evt_submitted"));

        var forInvoice = await app.AsClientAsync<PaymentHistory, IReadOnlyList<InvoicePaymentLine>>(client, h => h.ForInvoiceAsync(invoice.Id));
        var forClient = await app.AsStaffOfAsync<PaymentHistory, IReadOnlyList<PaymentSummary>>(firm, h => h.ForClientAsync(client.Id));

        forInvoice.Select(l => (l.PaymentId, l.Status, l.OnInvoice.Minor, l.Pending.Minor)).ShouldBe(
            [(transfer, PaymentStatus.Succeeded, 30_00, 0), (card, PaymentStatus.Pending, 70_00, 70_00)]);
        forClient.Select(p => p.Id).ShouldBe([card, transfer]);
        forClient[0].Shares.Single().InvoiceNumber.ShouldBe(invoice.Number);
        (await app.InvoiceAsync(firm, invoice.Id)).Paid.ShouldBe(client.Amount(30_00));
    }

    [Fact]
    public async Task Audit_trail_finds_staff_actions_by_subject_and_is_closed_to_clients()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var paymentId = await app.PayByTransferAsync(client, invoice.Id, 100_00);
        await app.AsStaffOfAsync<PaymentCorrections, MoneyResult>(firm, c => c.ReverseAsync(paymentId, ReversalReason.LateFailure, MoneyChecks.NewKey()));

        var entries = await app.AsStaffOfAsync<AuditTrail, IReadOnlyList<AuditEntry>>(firm, a => a.FindAsync(new AuditQuery(SubjectType: "Payment", SubjectId: paymentId)));
        var asClient = await app.AsClientAsync<AuditTrail, IReadOnlyList<AuditEntry>>(client, a => a.FindAsync(new AuditQuery()));

        entries.Select(e => e.Action).ShouldBe(["Payment reversed", "Manual payment recorded"]);
        entries.ShouldAllBe(e => e.UserId == firm.Staff.UserId && e.FirmId == firm.Id);
        entries[0].Before!.ShouldContain("Succeeded");
        entries[0].After!.ShouldContain("Reversed");
        asClient.ShouldBeEmpty();
    }

    [Fact]
    public async Task Postings_cannot_be_edited_or_deleted()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();

        await using var db = app.OpenDb(firm.Id);
        var transaction = await db.LedgerTransactions.Include(t => t.Postings).FirstAsync();
        db.Postings.Remove(transaction.Postings[0]);

        (await Should.ThrowAsync<InvalidOperationException>(() => db.SaveChangesAsync())).Message.ShouldContain("append-only");
    }
}
