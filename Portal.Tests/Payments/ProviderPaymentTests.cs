using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tests.Fixture;
using Portal.Wallets;

namespace Portal.Tests.Payments;

public sealed class ProviderPaymentTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private Task<MoneyResult> ProviderAsync(TestFirm firm, Func<ProviderPayments, Task<MoneyResult>> call) => app.AsProviderForAsync(firm, call);

    private async Task<Guid> CardPaymentAsync(TestClient client, IReadOnlyList<InvoiceAmount> invoices, Money? prepayment = null, PaymentMethod method = PaymentMethod.Card) =>
        (await ProviderAsync(client.Firm, p => p.InitiateAsync(new(client.Id, method, method == PaymentMethod.Card ? PaymentProvider.Stripe : PaymentProvider.GoCardless,
            invoices, prepayment, MoneyChecks.NewKey())))).Id!.Value;

    [Fact]
    public async Task Card_payment_on_two_invoices_goes_from_pending_to_paid_with_fee_and_payout_and_replays_change_nothing()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var a = await app.AnInvoice(client).WithLine("A", 1, 100_00).IssuedAsync();
        var b = await app.AnInvoice(client).WithLine("B", 1, 200_00).IssuedAsync();
        var paymentId = await CardPaymentAsync(client, [new(a.Id, client.Amount(100_00)), new(b.Id, client.Amount(50_00))]);
        await app.AsProviderForAsync<ProviderPayments, bool>(firm, async p => { await p.LinkCheckoutAsync(paymentId, "cs_test_1"); return true; });
        (await app.AsProviderForAsync<ProviderPayments, Guid?>(firm, p => p.FindByProviderIdAsync(PaymentProvider.Stripe, "cs_test_1"))).ShouldBe(paymentId);

        Func<ProviderPayments, Task<MoneyResult>>[] steps =
        [
            p => p.MarkProcessingAsync(paymentId, "evt_processing"),
            p => p.MarkSucceededAsync(paymentId, client.Amount(4_50), "evt_succeeded"),
            p => p.MarkSettledAsync(paymentId, "evt_paid_out"),
            p => p.RecordPayoutAsync(PaymentProvider.Stripe, "po_1", client.Amount(145_50), "evt_payout"),
        ];
        await ProviderAsync(firm, steps[0]);
        (await app.InvoiceAsync(firm, a.Id)).Pending.ShouldBe(client.Amount(100_00));
        (await app.InvoiceAsync(firm, a.Id)).Status.ShouldBe(InvoiceStatus.Open);
        foreach (var step in steps.Skip(1))
            await ProviderAsync(firm, step);

        (await app.InvoiceAsync(firm, a.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        var partly = await app.InvoiceAsync(firm, b.Id);
        partly.AmountDue.ShouldBe(client.Amount(150_00));
        partly.Pending.ShouldBe(client.Amount(0));
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.Balance(LedgerAccount.Clearing(PaymentProvider.Stripe), client.Currency).ShouldBe(client.Amount(0));
        ledger.Balance(LedgerAccount.Fees(PaymentProvider.Stripe), client.Currency).ShouldBe(client.Amount(4_50));
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(client.Amount(145_50));
        var before = await app.MoneySnapshotAsync(firm);

        foreach (var step in steps)
            (await ProviderAsync(firm, step)).Replayed.ShouldBeTrue();

        (await app.MoneySnapshotAsync(firm)).ShouldBe(before);
        // The same report under another key (a re-sent event) is a no-op for the state machine.
        await ProviderAsync(firm, p => p.MarkSucceededAsync(paymentId, client.Amount(4_50), "evt_succeeded_again"));
        var after = await app.MoneySnapshotAsync(firm);
        after.LedgerTransactions.ShouldBe(before.LedgerTransactions);
        after.Invoices.ShouldBe(before.Invoices);
        await Should.ThrowAsync<IdempotencyKeyReusedException>(() => ProviderAsync(firm, p => p.MarkSucceededAsync(paymentId, client.Amount(9_99), "evt_succeeded")));
        await using var db = app.OpenDb(firm.Id);
        var payment = await db.Payments.SingleAsync(p => p.Id == paymentId);
        payment.Status.ShouldBe(PaymentStatus.Settled);
        payment.Fee.ShouldBe(client.Amount(4_50));
        (await db.AuditEntries.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Prepayment_spent_then_charged_back_leaves_the_wallet_negative_flagged_and_blocked_until_settled()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 80_00).IssuedAsync();
        var another = await app.AnInvoice(client).WithLine("More", 1, 80_00).IssuedAsync();
        var paymentId = await CardPaymentAsync(client, [], client.Amount(100_00));
        await ProviderAsync(firm, p => p.MarkSucceededAsync(paymentId, null, "evt_ok"));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(100_00));
        await app.AsClientAsync<CreditSpender, MoneyResult>(client, s => s.ApplyAsync(new(invoice.Id, null, MoneyChecks.NewKey())));

        await ProviderAsync(firm, p => p.MarkDisputedAsync(paymentId, "evt_dispute"));
        await ProviderAsync(firm, p => p.ReverseAsync(paymentId, ReversalReason.Chargeback, "evt_lost"));
        await ProviderAsync(firm, p => p.ReverseAsync(paymentId, ReversalReason.Chargeback, "evt_lost_redelivered"));

        var wallet = (await app.WalletAsync(client))!;
        wallet.Balance.ShouldBe(client.Amount(-80_00));
        wallet.NeedsAttention.ShouldBeTrue();
        var flagged = await app.AsStaffOfAsync<WalletBalances, IReadOnlyList<WalletBalance>>(firm, w => w.NeedingAttentionAsync());
        flagged.Single().ClientAccountId.ShouldBe(client.Id);
        await app.GiveCreditAsync(client, 30_00);
        var blocked = await Should.ThrowAsync<DomainException>(() => app.AsClientAsync<CreditSpender, MoneyResult>(client, s => s.ApplyAsync(new(another.Id, client.Amount(10_00), MoneyChecks.NewKey()))));
        blocked.Message.ShouldContain("blocked");
        await app.GiveCreditAsync(client, 60_00);
        (await app.AsClientAsync<WalletBalances, IReadOnlyList<WalletBalance>>(client, w => w.ForClientAsync(client.Id))).Single()
            .ShouldBe(new WalletBalance(client.Id, client.Name, client.Amount(10_00), NeedsAttention: false));
        await app.AsClientAsync<CreditSpender, MoneyResult>(client, s => s.ApplyAsync(new(another.Id, null, MoneyChecks.NewKey())));
        (await app.InvoiceAsync(firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        (await app.InvoiceAsync(firm, another.Id)).AmountDue.ShouldBe(client.Amount(70_00));
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.Balance(LedgerAccount.Clearing(PaymentProvider.Stripe), client.Currency).ShouldBe(client.Amount(0));
    }

    [Fact]
    public async Task Cumulative_refunds_book_only_what_is_new_and_reopen_the_invoice()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var paymentId = await CardPaymentAsync(client, [new(invoice.Id, client.Amount(100_00))]);
        await ProviderAsync(firm, p => p.MarkSucceededAsync(paymentId, null, "evt_ok"));

        await ProviderAsync(firm, p => p.RecordRefundAsync(paymentId, client.Amount(30_00), "evt_refund_1"));
        await ProviderAsync(firm, p => p.RecordRefundAsync(paymentId, client.Amount(50_00), "evt_refund_2"));
        await ProviderAsync(firm, p => p.RecordRefundAsync(paymentId, client.Amount(50_00), "evt_refund_2_again"));

        var stored = await app.InvoiceAsync(firm, invoice.Id);
        stored.AmountDue.ShouldBe(client.Amount(50_00));
        stored.Status.ShouldBe(InvoiceStatus.PartiallyPaid);
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.Balance(LedgerAccount.Clearing(PaymentProvider.Stripe), client.Currency).ShouldBe(client.Amount(50_00));
        await using var db = app.OpenDb(firm.Id);
        var payment = await db.Payments.SingleAsync(p => p.Id == paymentId);
        payment.Status.ShouldBe(PaymentStatus.PartiallyRefunded);
        payment.Refunded.ShouldBe(client.Amount(50_00));
        (await db.LedgerTransactions.CountAsync(t => t.Kind == LedgerTransactionKind.RefundToPaymentMethod)).ShouldBe(2);
    }

    [Fact]
    public async Task Direct_debit_failing_before_success_releases_the_pending_amount_and_a_late_failure_reopens_the_invoice()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var first = await CardPaymentAsync(client, [new(invoice.Id, client.Amount(100_00))], method: PaymentMethod.DirectDebit);
        await ProviderAsync(firm, p => p.MarkProcessingAsync(first, "evt_submitted"));
        (await app.InvoiceAsync(firm, invoice.Id)).AmountPayable.ShouldBe(client.Amount(0));

        await ProviderAsync(firm, p => p.MarkFailedAsync(first, "insufficient_funds", "evt_failed"));
        (await app.InvoiceAsync(firm, invoice.Id)).AmountPayable.ShouldBe(client.Amount(100_00));

        var second = await CardPaymentAsync(client, [new(invoice.Id, client.Amount(100_00))], method: PaymentMethod.DirectDebit);
        await ProviderAsync(firm, p => p.MarkProcessingAsync(second, "evt_submitted_2"));
        await ProviderAsync(firm, p => p.MarkSucceededAsync(second, client.Amount(20), "evt_confirmed_2"));
        (await app.InvoiceAsync(firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        await ProviderAsync(firm, p => p.MarkFailedAsync(second, "late failure", "evt_failed_2"));

        var reopened = await app.InvoiceAsync(firm, invoice.Id);
        reopened.Status.ShouldBe(InvoiceStatus.Open);
        reopened.AmountDue.ShouldBe(client.Amount(100_00));
        await using var db = app.OpenDb(firm.Id);
        (await db.Payments.SingleAsync(p => p.Id == first)).Status.ShouldBe(PaymentStatus.Failed);
        (await db.Payments.SingleAsync(p => p.Id == second)).Status.ShouldBe(PaymentStatus.Reversed);
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.Balance(LedgerAccount.Clearing(PaymentProvider.GoCardless), client.Currency).ShouldBe(client.Amount(-20));
    }

    [Fact]
    public async Task Payments_the_firm_policy_forbids_or_that_overpay_are_refused_and_change_nothing()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var other = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var othersInvoice = await app.AnInvoice(other).WithLine("Theirs", 1, 100_00).IssuedAsync();
        await using (var db = app.OpenDb(firm.Id))
        {
            var stored = await db.Firms.SingleAsync();
            stored.ChangePolicy(new PaymentPolicy { PartialMinimumKind = MinimumKind.FixedAmount, PartialMinimumMinor = 20_00, PrepaymentsAllowed = false, MethodsAllowed = PaymentMethods.Card | PaymentMethods.Credit });
            await db.SaveChangesAsync();
        }
        var before = await app.MoneySnapshotAsync(firm);
        Task<Guid> Pay(Guid invoiceId, long minor, long? prepay = null, PaymentMethod method = PaymentMethod.Card) =>
            CardPaymentAsync(client, [new(invoiceId, client.Amount(minor))], prepay is { } p ? client.Amount(p) : null, method);

        (await Should.ThrowAsync<DomainException>(() => Pay(invoice.Id, 10_00))).Message.ShouldContain("at least");
        (await Should.ThrowAsync<DomainException>(() => Pay(invoice.Id, 0))).Message.ShouldContain("more than zero");
        (await Should.ThrowAsync<DomainException>(() => Pay(invoice.Id, 120_00))).Message.ShouldContain("more than");
        (await Should.ThrowAsync<DomainException>(() => Pay(invoice.Id, 100_00, prepay: 10_00))).Message.ShouldContain("prepayments");
        (await Should.ThrowAsync<DomainException>(() => Pay(invoice.Id, 100_00, method: PaymentMethod.DirectDebit))).Message.ShouldContain("does not take");
        (await Should.ThrowAsync<DomainException>(() => Pay(othersInvoice.Id, 100_00))).Message.ShouldContain("not an invoice of this client");
        var key = MoneyChecks.NewKey();
        await ProviderAsync(firm, p => p.InitiateAsync(new(client.Id, PaymentMethod.Card, PaymentProvider.Stripe, [new(invoice.Id, client.Amount(100_00))], null, key)));
        var afterFirst = await app.MoneySnapshotAsync(firm);
        await Should.ThrowAsync<IdempotencyKeyReusedException>(() => ProviderAsync(firm, p => p.InitiateAsync(new(client.Id, PaymentMethod.Card, PaymentProvider.Stripe, [new(invoice.Id, client.Amount(50_00))], null, key))));

        (await app.MoneySnapshotAsync(firm)).ShouldBe(afterFirst);
        afterFirst.Payments.ShouldBe(before.Payments + 1);
        afterFirst.Invoices.ShouldBe(before.Invoices);
    }
}
