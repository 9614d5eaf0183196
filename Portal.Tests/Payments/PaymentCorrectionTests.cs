using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tests.Fixture;

namespace Portal.Tests.Payments;

public sealed class PaymentCorrectionTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private Task<MoneyResult> CorrectAsync(TestFirm firm, Func<PaymentCorrections, Task<MoneyResult>> call) => app.AsStaffOfAsync(firm, call);

    [Fact]
    public async Task Refund_recorded_as_paid_back_reopens_the_invoice_once_whatever_the_replays()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var paymentId = await app.PayByTransferAsync(client, invoice.Id, 100_00);

        await CorrectAsync(firm, c => c.RecordRefundedExternallyAsync(paymentId, client.Amount(40_00), "refund-1"));
        var before = await app.MoneySnapshotAsync(firm);
        (await CorrectAsync(firm, c => c.RecordRefundedExternallyAsync(paymentId, client.Amount(40_00), "refund-1"))).Replayed.ShouldBeTrue();
        await Should.ThrowAsync<IdempotencyKeyReusedException>(() => CorrectAsync(firm, c => c.RecordRefundedExternallyAsync(paymentId, client.Amount(45_00), "refund-1")));
        (await Should.ThrowAsync<DomainException>(() => CorrectAsync(firm, c => c.RecordRefundedExternallyAsync(paymentId, client.Amount(70_00), "refund-2")))).Message.ShouldContain("At most");
        (await Should.ThrowAsync<DomainException>(() => CorrectAsync(firm, c => c.RecordRefundedExternallyAsync(paymentId, client.Amount(0), "refund-3")))).Message.ShouldContain("more than zero");

        (await app.MoneySnapshotAsync(firm)).ShouldBe(before);
        var stored = await app.InvoiceAsync(firm, invoice.Id);
        stored.AmountDue.ShouldBe(client.Amount(40_00));
        stored.Status.ShouldBe(InvoiceStatus.PartiallyPaid);
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(client.Amount(60_00));
        await using var db = app.OpenDb(firm.Id);
        (await db.AuditEntries.Where(a => a.SubjectId == paymentId && a.Action == "Payment refunded").CountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Refund_as_credit_makes_the_invoice_due_again_and_grows_the_credit_without_writing_anything_off()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00, taxBasisPoints: 2000).IssuedAsync();
        var paymentId = await app.PayByTransferAsync(client, invoice.Id, 120_00);

        await CorrectAsync(firm, c => c.RefundAsCreditAsync(paymentId, invoice.Id, client.Amount(60_00), MoneyChecks.NewKey()));

        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(60_00));
        var stored = await app.InvoiceAsync(firm, invoice.Id);
        (stored.Status, stored.AmountDue, stored.Credited).ShouldBe((InvoiceStatus.PartiallyPaid, client.Amount(60_00), client.Amount(0)));
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        // Nothing written off: revenue and tax stay as invoiced; the bank keeps all it received.
        ledger.Balance(LedgerAccount.Revenue, client.Currency).ShouldBe(client.Amount(-100_00));
        ledger.Balance(LedgerAccount.Tax, client.Currency).ShouldBe(client.Amount(-20_00));
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(client.Amount(120_00));
        // What the client owes less their credit equals what was invoiced less what was received.
        BooksBalance(ledger, client).ShouldBe(client.Amount(120_00 - 120_00));
    }

    [Fact]
    public async Task Refund_as_credit_then_to_the_card_balances_receivable_credit_and_refunds()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var paymentId = await app.PayByTransferAsync(client, invoice.Id, 100_00);

        await CorrectAsync(firm, c => c.RefundAsCreditAsync(paymentId, invoice.Id, client.Amount(20_00), MoneyChecks.NewKey()));
        await CorrectAsync(firm, c => c.RecordRefundedExternallyAsync(paymentId, client.Amount(30_00), MoneyChecks.NewKey()));

        // The paid-back 30 comes first out of the 20 of credit this payment brought, then 10 off the invoice.
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(0));
        (await app.InvoiceAsync(firm, invoice.Id)).AmountDue.ShouldBe(client.Amount(30_00));
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(client.Amount(70_00));
        BooksBalance(ledger, client).ShouldBe(client.Amount(100_00) - ledger.Balance(LedgerAccount.Bank, client.Currency));
    }

    [Fact]
    public async Task A_transfer_recorded_by_mistake_is_voided_the_same_day_reopening_its_invoice_and_taking_back_its_credit()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var transfer = await RecordAsync(firm, client, PaymentMethod.BankTransfer, 130_00, invoice.Id, 100_00);
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(30_00));

        await CorrectAsync(firm, c => c.VoidManualAsync(transfer, "Typed against the wrong client", "void-1"));
        (await CorrectAsync(firm, c => c.VoidManualAsync(transfer, "Typed against the wrong client", "void-1"))).Replayed.ShouldBeTrue();
        var before = await app.MoneySnapshotAsync(firm);
        (await Should.ThrowAsync<DomainException>(() => CorrectAsync(firm, c => c.VoidManualAsync(transfer, "Again", "void-2")))).Message.ShouldContain("already");
        (await app.MoneySnapshotAsync(firm)).ShouldBe(before);

        var stored = await app.InvoiceAsync(firm, invoice.Id);
        (stored.Status, stored.AmountDue).ShouldBe((InvoiceStatus.Open, client.Amount(100_00)));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(0));
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(client.Amount(0));
        BooksBalance(ledger, client).ShouldBe(client.Amount(100_00));
        await using var db = app.OpenDb(firm.Id);
        var payment = await db.Payments.SingleAsync(p => p.Id == transfer);
        (payment.Status, payment.ReversalReason, payment.FailureReason).ShouldBe((PaymentStatus.Reversed, ReversalReason.EnteredInError, "Typed against the wrong client"));
        var audit = await db.AuditEntries.SingleAsync(a => a.SubjectId == transfer && a.Action == "Payment voided");
        audit.UserId.ShouldBe(firm.Staff.UserId);
        audit.After!.ShouldContain("Typed against the wrong client");
    }

    [Fact]
    public async Task A_payment_recorded_on_an_earlier_day_cannot_be_voided_and_nothing_changes()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var cheque = await RecordAsync(firm, client, PaymentMethod.Cheque, 100_00, invoice.Id, 100_00);
        await using (var db = app.OpenDb(firm.Id))
        {
            // Recorded yesterday, as the audit says.
            var recordedAt = await db.AuditEntries.Where(a => a.SubjectId == cheque).Select(a => a.At).SingleAsync();
            await db.AuditEntries.Where(a => a.SubjectId == cheque).ExecuteUpdateAsync(set => set.SetProperty(a => a.At, recordedAt.AddDays(-1)));
        }
        var before = await app.MoneySnapshotAsync(firm);

        (await Should.ThrowAsync<DomainException>(() => CorrectAsync(firm, c => c.VoidManualAsync(cheque, "Wrong amount", MoneyChecks.NewKey())))).Message.ShouldContain("only on the day");

        (await app.MoneySnapshotAsync(firm)).ShouldBe(before);
        (await app.InvoiceAsync(firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
    }

    [Fact]
    public async Task A_bounced_cheque_is_dated_reopens_its_invoice_and_takes_back_spent_credit_flagging_the_wallet()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var later = await app.AnInvoice(client).WithLine("Later", 1, 50_00).IssuedAsync();
        var cheque = await RecordAsync(firm, client, PaymentMethod.Cheque, 150_00, invoice.Id, 100_00);
        await app.AsStaffOfAsync<Portal.Wallets.CreditSpender, MoneyResult>(firm, s => s.ApplyAsync(new(later.Id, null, MoneyChecks.NewKey())));
        var today = app.Today;
        var before = await app.MoneySnapshotAsync(firm);

        (await Should.ThrowAsync<DomainException>(() => CorrectAsync(firm, c => c.BounceAsync(cheque, today.AddDays(1), "Insufficient funds", MoneyChecks.NewKey())))).Message.ShouldContain("future");
        (await Should.ThrowAsync<DomainException>(() => CorrectAsync(firm, c => c.BounceAsync(cheque, today.AddDays(-3), "Insufficient funds", MoneyChecks.NewKey())))).Message.ShouldContain("before it was received");
        (await Should.ThrowAsync<DomainException>(() => CorrectAsync(firm, c => c.BounceAsync(cheque, today, "", MoneyChecks.NewKey())))).Message.ShouldContain("reason");
        (await app.MoneySnapshotAsync(firm)).ShouldBe(before);

        await CorrectAsync(firm, c => c.BounceAsync(cheque, today, "Insufficient funds", "bounce-1"));

        (await app.InvoiceAsync(firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Open);
        (await app.InvoiceAsync(firm, later.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        var wallet = (await app.WalletAsync(client))!;
        (wallet.Balance, wallet.NeedsAttention).ShouldBe((client.Amount(-50_00), true));
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(client.Amount(0));
        BooksBalance(ledger, client).ShouldBe(client.Amount(150_00));
        await using var db = app.OpenDb(firm.Id);
        var payment = await db.Payments.SingleAsync(p => p.Id == cheque);
        (payment.Status, payment.ReversalReason, payment.FailureReason).ShouldBe((PaymentStatus.Reversed, ReversalReason.Bounced, "Insufficient funds"));
        (await db.AuditEntries.CountAsync(a => a.SubjectId == cheque && a.Action == "Payment bounced")).ShouldBe(1);
    }

    [Fact]
    public async Task Cash_cannot_bounce_and_only_manual_payments_can_be_voided()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var cash = await RecordAsync(firm, client, PaymentMethod.Cash, 40_00, invoice.Id, 40_00);
        var today = app.Today;
        await app.GiveCreditAsync(client, 10_00);
        var creditPayment = (await app.AsStaffOfAsync<Portal.Wallets.CreditSpender, MoneyResult>(firm, s => s.ApplyAsync(new(invoice.Id, null, MoneyChecks.NewKey())))).Id!.Value;

        (await Should.ThrowAsync<DomainException>(() => CorrectAsync(firm, c => c.BounceAsync(cash, today, "Counterfeit", MoneyChecks.NewKey())))).Message.ShouldContain("Cash cannot bounce");
        (await Should.ThrowAsync<DomainException>(() => CorrectAsync(firm, c => c.VoidManualAsync(creditPayment, "Mistake", MoneyChecks.NewKey())))).Message.ShouldContain("Only a transfer, cheque or cash");
        await app.LedgerShouldBeConsistentAsync(firm);
    }

    private async Task<Guid> RecordAsync(TestFirm firm, TestClient client, PaymentMethod method, long amount, Guid invoiceId, long onInvoice) =>
        (await app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(firm, s => s.RecordAsync(new(client.Id, method, client.Amount(amount),
            [new InvoiceAmount(invoiceId, client.Amount(onInvoice))], SurplusToCredit: true, null, MoneyChecks.NewKey())))).Id!.Value;

    /// <summary>What the client owes on its invoices less its credit, from the ledger.</summary>
    private static Money BooksBalance(LedgerView ledger, TestClient client) =>
        ledger.Balance(LedgerAccount.Receivable(client.Id), client.Currency) + ledger.Balance(LedgerAccount.Wallet(client.Id), client.Currency);

    [Fact]
    public async Task Bounced_cheque_reverses_the_payment_reopens_the_invoice_and_takes_back_spent_credit()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var later = await app.AnInvoice(client).WithLine("Later", 1, 50_00).IssuedAsync();
        var cheque = (await app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(firm, s => s.RecordAsync(new(client.Id, PaymentMethod.Cheque, client.Amount(150_00),
            [new InvoiceAmount(invoice.Id, client.Amount(100_00))], SurplusToCredit: true, "CHQ 77", MoneyChecks.NewKey())))).Id!.Value;
        await app.AsStaffOfAsync<Portal.Wallets.CreditSpender, MoneyResult>(firm, s => s.ApplyAsync(new(later.Id, null, MoneyChecks.NewKey())));

        await CorrectAsync(firm, c => c.ReverseAsync(cheque, ReversalReason.LateFailure, "bounce"));
        (await CorrectAsync(firm, c => c.ReverseAsync(cheque, ReversalReason.LateFailure, "bounce"))).Replayed.ShouldBeTrue();
        (await Should.ThrowAsync<DomainException>(() => CorrectAsync(firm, c => c.ReverseAsync(cheque, ReversalReason.LateFailure, "bounce-again")))).Message.ShouldContain("already");

        (await app.InvoiceAsync(firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Open);
        (await app.InvoiceAsync(firm, later.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        var wallet = (await app.WalletAsync(client))!;
        wallet.Balance.ShouldBe(client.Amount(-50_00));
        wallet.NeedsAttention.ShouldBeTrue();
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(client.Amount(0));
        await using var db = app.OpenDb(firm.Id);
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "Payment reversed");
        audit.After!.ShouldContain("needs attention");
        audit.UserId.ShouldBe(firm.Staff.UserId);
    }
}
