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
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
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
    public async Task Refund_as_credit_gives_the_client_credit_through_a_credit_note()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00, taxBasisPoints: 2000).IssuedAsync();
        var paymentId = await app.PayByTransferAsync(client, invoice.Id, 120_00);

        await CorrectAsync(firm, c => c.RefundAsCreditAsync(paymentId, invoice.Id, client.Amount(60_00), MoneyChecks.NewKey()));

        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(60_00));
        var stored = await app.InvoiceAsync(firm, invoice.Id);
        stored.Credited.ShouldBe(client.Amount(60_00));
        stored.AmountDue.ShouldBe(client.Amount(0));
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.Balance(LedgerAccount.Revenue, client.Currency).ShouldBe(client.Amount(-50_00));
        ledger.Balance(LedgerAccount.Tax, client.Currency).ShouldBe(client.Amount(-10_00));
    }

    [Fact]
    public async Task Bounced_cheque_reverses_the_payment_reopens_the_invoice_and_takes_back_spent_credit()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
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
