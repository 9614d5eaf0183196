using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Domain.Payouts;
using Portal.Payouts;
using Portal.Providers.Stripe;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;
using Stripe;
using Stripe.Checkout;

namespace Portal.Tests.Payouts;

/// <summary>Card payments paid out by Stripe: the sandbox's payout events through the inbox, the adapter and the ledger.</summary>
public sealed class CardPayoutTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly LedgerAccount Clearing = LedgerAccount.Clearing(PaymentProvider.Stripe);

    private async Task<(CardPaymentDriver Stripe, TestClient Client, Guid PaymentId, Guid InvoiceId)> ACardPaymentAsync(long amount = 480_00)
    {
        var firm = await app.AFirmAsync();
        var stripe = await CardPaymentDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Annual accounts", 1, amount).IssuedAsync();
        var checkout = await stripe.PaidAsync(client, [new(invoice.Id, client.Amount(amount))]);
        return (stripe, client, checkout.PaymentId, invoice.Id);
    }

    /// <summary>Stripe's automatic payout of everything in the balance, now.</summary>
    private async Task<Payout> PayOutAsync(CardPaymentDriver stripe, Guid paymentId, TestClient client)
    {
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/stripe/_control/") };
        var response = await control.PostAsJsonAsync("payouts", new { account_of = (await stripe.PaymentAsync(paymentId)).ProviderPaymentId, currency = client.Currency.Code.ToLowerInvariant() });
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        return await stripe.Stripe.V1.Payouts.GetAsync(id);
    }

    private async Task FailAsync(string payoutId)
    {
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/stripe/_control/") };
        (await control.PostAsJsonAsync($"payouts/{payoutId}/fail", new { })).EnsureSuccessStatusCode();
    }

    private Task<IReadOnlyList<PayoutSummary>> PayoutsAsync(TestFirm firm) =>
        app.AsStaffOfAsync<PayoutReconciliation, IReadOnlyList<PayoutSummary>>(firm, r => r.ListAsync());

    private Task<PayoutDetail> DetailAsync(TestFirm firm, Guid payoutId) =>
        app.AsStaffOfAsync<PayoutReconciliation, PayoutDetail>(firm, r => r.DetailAsync(payoutId));

    private async Task<List<LedgerTransaction>> PayoutTransactionsAsync(TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.LedgerTransactions.Include(t => t.Postings).Where(t => t.Kind == LedgerTransactionKind.Payout).ToListAsync();
    }

    [Fact]
    public async Task A_card_payment_paid_out_moves_its_net_to_the_bank_clears_clearing_and_is_reconciled()
    {
        var (stripe, client, paymentId, invoiceId) = await ACardPaymentAsync(480_00);
        var fee = (await stripe.PaymentAsync(paymentId)).Fee;

        var payout = await PayOutAsync(stripe, paymentId, client);
        await stripe.ApplyWebhooksAsync(EventTypes.PayoutPaid);

        var net = client.Amount(480_00) - fee;
        payout.Amount.ShouldBe(net.Minor);
        var ledger = await app.LedgerShouldBeConsistentAsync(client.Firm);
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(net);
        ledger.Balance(Clearing, client.Currency).ShouldBe(client.Amount(0));
        ledger.Balance(LedgerAccount.Fees(PaymentProvider.Stripe), client.Currency).ShouldBe(fee);
        var summary = (await PayoutsAsync(client.Firm)).ShouldHaveSingleItem();
        (summary.ProviderPayoutId, summary.Status, summary.Net, summary.Fees, summary.Unmatched).ShouldBe((payout.Id, PayoutStatus.Paid, net, fee, 0));
        summary.ArrivalDate.ShouldBe(DateOnly.FromDateTime(payout.ArrivalDate));
        var detail = await DetailAsync(client.Firm, summary.Id);
        (detail.ItemsAddUp, detail.ClearingNetsToZero, detail.Reconciled).ShouldBe((true, true, true));
        var paid = detail.Items.Single(i => i.Kind == PayoutItemKind.Payment);
        (paid.Amount, paid.PaymentId, paid.Unmatched).ShouldBe((client.Amount(480_00), (Guid?)paymentId, false));
        paid.Invoices.ShouldHaveSingleItem().Id.ShouldBe(invoiceId);
        detail.Items.Single(i => i.Kind == PayoutItemKind.Fee).Amount.ShouldBe(-fee);

        using var owner = await app.SignInAsync(client.Firm.Owner);
        var (listStatus, list) = await owner.GetPageAsync("/books/payouts");
        listStatus.ShouldBe(System.Net.HttpStatusCode.OK);
        list.ShouldContain(payout.Id);
        list.ShouldContain("Reconciled");
        var (pageStatus, page) = await owner.GetPageAsync($"/books/payouts/{summary.Id}");
        pageStatus.ShouldBe(System.Net.HttpStatusCode.OK);
        page.ShouldContain("The clearing account nets to zero for these items.");
        page.ShouldContain((await app.InvoiceAsync(client.Firm, invoiceId)).Number!);
        page.ShouldNotContain("payout-unmatched");
    }

    [Fact]
    public async Task A_refund_in_the_payout_is_an_item_of_its_payment_and_the_payout_still_reconciles()
    {
        var (stripe, client, paymentId, _) = await ACardPaymentAsync(300_00);
        var fee = (await stripe.PaymentAsync(paymentId)).Fee;
        await stripe.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = (await stripe.PaymentAsync(paymentId)).ProviderPaymentId, Amount = 100_00 });
        await stripe.ApplyWebhooksAsync(EventTypes.ChargeRefunded);

        await PayOutAsync(stripe, paymentId, client);
        await stripe.ApplyWebhooksAsync(EventTypes.PayoutPaid);

        var ledger = await app.LedgerShouldBeConsistentAsync(client.Firm);
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(client.Amount(200_00) - fee);
        ledger.Balance(Clearing, client.Currency).ShouldBe(client.Amount(0));
        var detail = await DetailAsync(client.Firm, (await PayoutsAsync(client.Firm)).ShouldHaveSingleItem().Id);
        var refund = detail.Items.Single(i => i.Kind == PayoutItemKind.Refund);
        (refund.Amount, refund.PaymentId).ShouldBe((client.Amount(-100_00), (Guid?)paymentId));
        detail.Reconciled.ShouldBeTrue();
    }

    [Fact]
    public async Task Payout_events_delivered_twice_and_again_after_the_payout_failed_book_the_bank_once_and_the_reversal_once()
    {
        var (stripe, client, paymentId, _) = await ACardPaymentAsync(250_00);
        var net = client.Amount(250_00) - (await stripe.PaymentAsync(paymentId)).Fee;
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/stripe/_control/") };
        (await control.PostAsJsonAsync("webhooks/mode", new { mode = "duplicate" })).EnsureSuccessStatusCode();
        try
        {
            var payout = await PayOutAsync(stripe, paymentId, client);
            await stripe.ApplyWebhooksAsync(EventTypes.PayoutPaid);
            var afterPaid = (await app.LedgerShouldBeConsistentAsync(client.Firm)).Balance(LedgerAccount.Bank, client.Currency);

            await FailAsync(payout.Id);
            await stripe.ApplyWebhooksAsync(EventTypes.PayoutFailed);
            // Every delivery made, the duplicates too: a duplicate arriving after the delete below would put its event
            // back itself, and reconciliation would find one event fewer missing (a full run once saw that).
            (await control.GetAsync("webhooks/settled?timeoutMs=10000")).EnsureSuccessStatusCode();
            // The same events once more, as reconciliation would bring them back after the inbox lost them.
            await using (var db = app.OpenDb())
                await db.WebhookEvents.IgnoreQueryFilters().Where(e => e.Type == EventTypes.PayoutPaid || e.Type == EventTypes.PayoutFailed).ExecuteDeleteAsync();
            (await app.AsProviderForAsync<StripeEventReconciliation, int>(client.Firm, r => r.ReconcileAsync())).ShouldBeGreaterThanOrEqualTo(2);
            await stripe.ApplyWebhooksAsync(EventTypes.PayoutPaid, EventTypes.PayoutFailed);

            afterPaid.ShouldBe(net);
            var ledger = await app.LedgerShouldBeConsistentAsync(client.Firm);
            ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(client.Amount(0));
            ledger.Balance(Clearing, client.Currency).ShouldBe(net);
            var booked = await PayoutTransactionsAsync(client.Firm);
            booked.Count.ShouldBe(2);
            booked.Select(t => t.Postings.Single(p => p.AccountKind == LedgerAccountKind.Bank).Amount).ShouldBe([net, -net], ignoreOrder: true);
            var summary = (await PayoutsAsync(client.Firm)).ShouldHaveSingleItem();
            summary.Status.ShouldBe(PayoutStatus.Failed);
            (await DetailAsync(client.Firm, summary.Id)).Reconciled.ShouldBeFalse();
        }
        finally
        {
            (await control.PostAsJsonAsync("webhooks/mode", new { mode = "normal" })).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task A_payout_that_failed_before_its_paid_event_was_applied_books_nothing_whatever_the_order()
    {
        var (stripe, client, paymentId, _) = await ACardPaymentAsync(120_00);
        var net = client.Amount(120_00) - (await stripe.PaymentAsync(paymentId)).Fee;

        var payout = await PayOutAsync(stripe, paymentId, client);
        await FailAsync(payout.Id);
        await stripe.ApplyWebhooksAsync(EventTypes.PayoutPaid, EventTypes.PayoutFailed);

        var ledger = await app.LedgerShouldBeConsistentAsync(client.Firm);
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(client.Amount(0));
        ledger.Balance(Clearing, client.Currency).ShouldBe(net);
        (await PayoutTransactionsAsync(client.Firm)).ShouldBeEmpty();
        (await PayoutsAsync(client.Firm)).ShouldHaveSingleItem().Status.ShouldBe(PayoutStatus.Failed);
    }

    [Fact]
    public async Task A_charge_the_portal_does_not_know_is_flagged_unmatched_and_the_payout_is_not_reconciled()
    {
        var (stripe, client, paymentId, _) = await ACardPaymentAsync(200_00);
        // Another integration on the same Stripe account takes a payment Portal never hears of.
        var session = await stripe.Stripe.V1.Checkout.Sessions.CreateAsync(new SessionCreateOptions
        {
            Mode = "payment",
            LineItems = [new SessionLineItemOptions { Quantity = 1, PriceData = new SessionLineItemPriceDataOptions
            {
                Currency = client.Currency.Code.ToLowerInvariant(), UnitAmount = 50_00, ProductData = new SessionLineItemPriceDataProductDataOptions { Name = "Shop order" },
            } }],
            SuccessUrl = "https://shop.example.test/done",
            CancelUrl = "https://shop.example.test/cancel",
        });
        using (var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
            (await browser.PostAsync(session.Url, new FormUrlEncodedContent([new("action", "pay")]))).StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);
        var foreignCharge = (await stripe.Stripe.V1.PaymentIntents.GetAsync((await stripe.Stripe.V1.Checkout.Sessions.GetAsync(session.Id)).PaymentIntentId)).LatestChargeId;

        var payout = await PayOutAsync(stripe, paymentId, client);
        await stripe.ApplyWebhooksAsync(EventTypes.PayoutPaid);

        var summary = (await PayoutsAsync(client.Firm)).ShouldHaveSingleItem();
        summary.Unmatched.ShouldBe(1);
        var detail = await DetailAsync(client.Firm, summary.Id);
        var unmatched = detail.Items.Single(i => i.Unmatched);
        (unmatched.ProviderObjectId, unmatched.Kind, unmatched.PaymentId, unmatched.Amount).ShouldBe((foreignCharge, PayoutItemKind.Payment, (Guid?)null, client.Amount(50_00)));
        detail.ItemsAddUp.ShouldBeTrue();
        detail.ClearingNetsToZero.ShouldBeFalse();
        detail.Reconciled.ShouldBeFalse();
        (await app.LedgerShouldBeConsistentAsync(client.Firm)).Balance(LedgerAccount.Bank, client.Currency).ShouldBe(client.Amount(payout.Amount));
        using var owner = await app.SignInAsync(client.Firm.Owner);
        var (_, list) = await owner.GetPageAsync("/books/payouts");
        list.ShouldContain("1 unmatched");
        var (_, page) = await owner.GetPageAsync($"/books/payouts/{summary.Id}");
        page.ShouldContain("payout-unmatched");
        page.ShouldContain(foreignCharge);
    }

    [Fact]
    public async Task Another_firms_payout_is_not_found()
    {
        var (stripe, client, paymentId, _) = await ACardPaymentAsync(90_00);
        await PayOutAsync(stripe, paymentId, client);
        await stripe.ApplyWebhooksAsync(EventTypes.PayoutPaid);
        var theirs = (await PayoutsAsync(client.Firm)).ShouldHaveSingleItem().Id;
        var other = await app.AFirmAsync();

        await Should.ThrowAsync<NotFoundException>(() => DetailAsync(other, theirs));
        (await PayoutsAsync(other)).ShouldBeEmpty();
    }
}
