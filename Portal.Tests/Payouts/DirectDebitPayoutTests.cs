using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Domain.Payouts;
using Portal.GoCardless;
using Portal.Payouts;
using Portal.Tests.DirectDebit;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;

namespace Portal.Tests.Payouts;

/// <summary>Direct debits paid out by GoCardless: payouts.paid re-read with its payout_items through the typed client and the sandbox.</summary>
public sealed class DirectDebitPayoutTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(DirectDebitDriver GoCardless, TestClient Client, Guid InvoiceId, Guid PaymentId)> AScheduledDirectDebitAsync(long amount)
    {
        var firm = await app.AFirmAsync();
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Monthly bookkeeping", 1, amount).DueInDays(20).IssuedAsync();
        var started = await gc.PayAsync(client, [new(invoice.Id, client.Amount(amount))]);
        await gc.ApproveAsync(started.SignMandateAt.ShouldNotBeNull(), "approve_active");
        await gc.ApplyWebhooksAsync("billing_requests.fulfilled", "payments.created");
        return (gc, client, invoice.Id, started.PaymentId);
    }

    [Fact]
    public async Task A_direct_debit_paid_out_is_recorded_with_its_payout_items_booked_and_reconciled()
    {
        var (gc, client, invoiceId, paymentId) = await AScheduledDirectDebitAsync(300_00);
        var providerId = await gc.ProviderPaymentIdAsync(paymentId);

        await gc.RunScenarioAsync("payment_paid_out", providerId);
        await gc.ApplyWebhooksAsync("payments.confirmed", "payments.paid_out", "payouts.paid");

        var payoutId = (await gc.GoCardless.GetPaymentAsync(providerId)).Links.Payout.ShouldNotBeNull();
        var payout = await gc.GoCardless.GetPayoutAsync(payoutId);
        var items = await gc.GoCardless.ListPayoutItemsAsync(payoutId, new GoCardlessPaging(Limit: 1)).ToListAsync();
        items.Select(i => (i.Type, i.Links.Payment)).ShouldBe([("payment_paid_out", providerId), ("gocardless_fee", providerId)]);
        items.Select(i => i.AmountIn(client.Currency)).ShouldBe([client.Amount(300_00), -payout.DeductedFees]);

        var ledger = await app.LedgerShouldBeConsistentAsync(client.Firm);
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(payout.Amount);
        ledger.Balance(LedgerAccount.Fees(PaymentProvider.GoCardless), client.Currency).ShouldBe(payout.DeductedFees);
        ledger.Balance(DirectDebitDriver.Clearing, client.Currency).ShouldBe(client.Amount(0));
        var summary = (await app.AsStaffOfAsync<PayoutReconciliation, IReadOnlyList<PayoutSummary>>(client.Firm, r => r.ListAsync())).ShouldHaveSingleItem();
        (summary.Provider, summary.ProviderPayoutId, summary.Net, summary.Fees, summary.Status, summary.Unmatched)
            .ShouldBe((PaymentProvider.GoCardless, payoutId, payout.Amount, payout.DeductedFees, PayoutStatus.Paid, 0));
        summary.ArrivalDate.ShouldBe(payout.ArrivalDate);
        var detail = await app.AsStaffOfAsync<PayoutReconciliation, PayoutDetail>(client.Firm, r => r.DetailAsync(summary.Id));
        detail.Reconciled.ShouldBeTrue();
        var paid = detail.Items.Single(i => i.Kind == PayoutItemKind.Payment);
        (paid.ProviderObjectId, paid.PaymentId).ShouldBe((providerId, (Guid?)paymentId));
        paid.Invoices.ShouldHaveSingleItem().Id.ShouldBe(invoiceId);
    }

    [Fact]
    public async Task A_direct_debit_the_portal_did_not_create_is_flagged_unmatched_and_books_no_fee()
    {
        var (gc, client, _, _) = await AScheduledDirectDebitAsync(100_00);
        var mandate = (await gc.MandatesAsync(client)).ShouldHaveSingleItem();
        // Collected on the same mandate from GoCardless's dashboard, outside Portal.
        var foreign = await gc.GoCardless.CreatePaymentAsync(new NewPayment(client.Amount(70_00), mandate.MandateId), Guid.NewGuid().ToString("N"));

        await gc.RunScenarioAsync("payment_paid_out", foreign.Id);
        await gc.ApplyWebhooksAsync("payouts.paid");

        var summary = (await app.AsStaffOfAsync<PayoutReconciliation, IReadOnlyList<PayoutSummary>>(client.Firm, r => r.ListAsync())).ShouldHaveSingleItem();
        summary.Unmatched.ShouldBe(1);
        var detail = await app.AsStaffOfAsync<PayoutReconciliation, PayoutDetail>(client.Firm, r => r.DetailAsync(summary.Id));
        var unmatched = detail.Items.Single(i => i.Unmatched);
        (unmatched.ProviderObjectId, unmatched.Amount, unmatched.PaymentId).ShouldBe((foreign.Id, client.Amount(70_00), (Guid?)null));
        (detail.ItemsAddUp, detail.ClearingNetsToZero, detail.Reconciled).ShouldBe((true, false, false));
        var ledger = await app.LedgerShouldBeConsistentAsync(client.Firm);
        ledger.Balance(LedgerAccount.Fees(PaymentProvider.GoCardless), client.Currency).ShouldBe(client.Amount(0));
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(summary.Net);
    }
}
