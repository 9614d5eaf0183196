using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tests.Fixture;

namespace Portal.Tests.Payments;

public sealed class ManualPaymentTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private Task<MoneyResult> RecordAsync(TestFirm firm, ManualPaymentRequest request) =>
        app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(firm, s => s.RecordAsync(request));

    [Fact]
    public async Task Transfer_without_allocations_pays_the_oldest_due_invoice_first()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var newer = await app.AnInvoice(client).WithLine("Audit", 1, 300_00).DueInDays(30).IssuedAsync();
        var older = await app.AnInvoice(client).WithLine("Payroll", 1, 100_00).IssuedDaysAgo(40).IssuedAsync();

        var result = await RecordAsync(firm, new(client.Id, PaymentMethod.BankTransfer, client.Amount(350_00), null, SurplusToCredit: true, "TRF-1", MoneyChecks.NewKey()));

        (await app.InvoiceAsync(firm, older.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        var partly = await app.InvoiceAsync(firm, newer.Id);
        partly.Status.ShouldBe(InvoiceStatus.PartiallyPaid);
        partly.AmountDue.ShouldBe(client.Amount(50_00));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(0));
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(client.Amount(350_00));
        await using var db = app.OpenDb(firm.Id);
        var payment = await db.Payments.SingleAsync(p => p.Id == result.Id);
        payment.Status.ShouldBe(PaymentStatus.Succeeded);
        payment.Reference.ShouldBe("TRF-1");
        var audit = await db.AuditEntries.SingleAsync();
        audit.Action.ShouldBe("Manual payment recorded");
        audit.UserId.ShouldBe(firm.Staff.UserId);
    }

    [Fact]
    public async Task Cheque_on_chosen_invoices_with_overpayment_lands_the_rest_in_credit()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var a = await app.AnInvoice(client).WithLine("A", 1, 100_00).IssuedAsync();
        var b = await app.AnInvoice(client).WithLine("B", 1, 100_00).IssuedAsync();

        await RecordAsync(firm, new(client.Id, PaymentMethod.Cheque, client.Amount(180_00),
            [new InvoiceAmount(b.Id, client.Amount(100_00)), new InvoiceAmount(a.Id, client.Amount(30_00))], SurplusToCredit: true, "CHQ 1001", MoneyChecks.NewKey()));

        (await app.InvoiceAsync(firm, b.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        (await app.InvoiceAsync(firm, a.Id)).AmountDue.ShouldBe(client.Amount(70_00));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(50_00));
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(client.Amount(180_00));
        ledger.WalletCredit(client.Id, client.Currency).ShouldBe(client.Amount(50_00));
    }

    [Fact]
    public async Task Replaying_the_key_returns_the_first_payment_and_changes_nothing()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("A", 1, 100_00).IssuedAsync();
        var request = new ManualPaymentRequest(client.Id, PaymentMethod.Cash, client.Amount(40_00), [new InvoiceAmount(invoice.Id, client.Amount(40_00))], false, null, MoneyChecks.NewKey());
        var first = await RecordAsync(firm, request);
        var before = await app.MoneySnapshotAsync(firm);

        var again = await RecordAsync(firm, request);

        again.ShouldBe(first with { Replayed = true });
        (await app.MoneySnapshotAsync(firm)).ShouldBe(before);
        var reused = await Should.ThrowAsync<IdempotencyKeyReusedException>(() => RecordAsync(firm, request with { Amount = client.Amount(41_00), Allocations = [new InvoiceAmount(invoice.Id, client.Amount(41_00))] }));
        reused.Message.ShouldContain("different request");
        (await app.MoneySnapshotAsync(firm)).ShouldBe(before);
    }

    [Fact]
    public async Task Bad_manual_payments_are_refused_and_change_nothing()
    {
        var (firm, client, other) = await app.AFirmWithTwoClientsAsync();
        var invoice = await app.AnInvoice(client).WithLine("A", 1, 100_00).IssuedAsync();
        var draft = await app.AnInvoice(client).WithLine("Draft", 1, 100_00).DraftAsync();
        var othersInvoice = await app.AnInvoice(other).WithLine("B", 1, 100_00).IssuedAsync();
        var strangerFirm = await app.AFirmAsync();
        var before = await app.MoneySnapshotAsync(firm);
        ManualPaymentRequest On(Guid invoiceId, long minor, long received) =>
            new(client.Id, PaymentMethod.BankTransfer, client.Amount(received), [new InvoiceAmount(invoiceId, client.Amount(minor))], false, null, MoneyChecks.NewKey());

        (await Should.ThrowAsync<DomainException>(() => RecordAsync(firm, On(invoice.Id, 0, 0)))).Message.ShouldContain("more than zero");
        (await Should.ThrowAsync<DomainException>(() => RecordAsync(firm, On(invoice.Id, -5_00, -5_00)))).Message.ShouldContain("more than zero");
        (await Should.ThrowAsync<DomainException>(() => RecordAsync(firm, On(invoice.Id, 120_00, 120_00)))).Message.ShouldContain("can still be paid");
        (await Should.ThrowAsync<DomainException>(() => RecordAsync(firm, On(invoice.Id, 100_00, 120_00)))).Message.ShouldContain("prepayment");
        (await Should.ThrowAsync<DomainException>(() => RecordAsync(firm, On(draft.Id, 10_00, 10_00)))).Message.ShouldContain("does not accept payment");
        (await Should.ThrowAsync<DomainException>(() => RecordAsync(firm, On(othersInvoice.Id, 10_00, 10_00)))).Message.ShouldContain("not an invoice of this client");
        (await Should.ThrowAsync<DomainException>(() => RecordAsync(firm, On(invoice.Id, 10_00, 10_00) with { Amount = new Money(10_00, Currency.GBP), Allocations = [new InvoiceAmount(invoice.Id, new Money(10_00, Currency.GBP))] }))).Message.ShouldContain("GBP");
        await Should.ThrowAsync<NotFoundException>(() => RecordAsync(strangerFirm, On(invoice.Id, 10_00, 10_00)));

        (await app.MoneySnapshotAsync(firm)).ShouldBe(before);
        await app.LedgerShouldBeConsistentAsync(firm);
    }
}
