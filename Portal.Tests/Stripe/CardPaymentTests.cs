using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Domain.Firms;
using Portal.Providers.Stripe;
using Portal.Tests.Fixture;
using Stripe;

namespace Portal.Tests.Stripe;

public sealed class CardPaymentTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(CardPaymentDriver Stripe, TestClient Client)> AConnectedClientAsync()
    {
        var firm = await app.AFirmAsync();
        var stripe = await CardPaymentDriver.ConnectAsync(app, firm);
        return (stripe, await app.AClientAsync(firm));
    }

    private async Task<Money> StripeFeeAsync(CardPaymentDriver stripe, Guid paymentId)
    {
        var intent = await stripe.Stripe.V1.PaymentIntents.GetAsync((await stripe.PaymentAsync(paymentId)).ProviderPaymentId,
            new PaymentIntentGetOptions { Expand = ["latest_charge.balance_transaction"] });
        return StripeAmounts.FromStripe(intent.LatestCharge.BalanceTransaction.Fee, intent.LatestCharge.BalanceTransaction.Currency);
    }

    [Fact]
    public async Task Paying_an_invoice_in_full_by_card_marks_it_paid_and_books_clearing_and_fee()
    {
        var (stripe, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).IssuedAsync();

        var checkout = await stripe.StartAsync(client, [new(invoice.Id, client.Amount(480_00))]);
        (await stripe.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Initiated);
        var backTo = await stripe.ChooseAsync(checkout, "pay");
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted);

        backTo!.AbsolutePath.ShouldBe($"/portal/payments/{checkout.PaymentId}");
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        var payment = await stripe.PaymentAsync(checkout.PaymentId);
        payment.Status.ShouldBe(PaymentStatus.Succeeded);
        var fee = await StripeFeeAsync(stripe, checkout.PaymentId);
        fee.IsPositive.ShouldBeTrue();
        payment.Fee.ShouldBe(fee);
        var ledger = await app.LedgerShouldBeConsistentAsync(client.Firm);
        ledger.Balance(LedgerAccount.Clearing(PaymentProvider.Stripe), client.Currency).ShouldBe(client.Amount(480_00) - fee);
        ledger.Balance(LedgerAccount.Fees(PaymentProvider.Stripe), client.Currency).ShouldBe(fee);
        ledger.AmountDue(invoice.Id, client.Currency).ShouldBe(client.Amount(0));
    }

    [Fact]
    public async Task Partial_payment_above_the_minimum_leaves_the_rest_due()
    {
        var (stripe, client) = await AConnectedClientAsync();
        await using (var db = app.OpenDb(client.Firm.Id))
        {
            var firm = db.Firms.Single();
            firm.ChangePolicy(new PaymentPolicy { PartialMinimumKind = MinimumKind.FixedAmount, PartialMinimumMinor = 50_00 });
            await db.SaveChangesAsync();
        }
        var invoice = await app.AnInvoice(client).WithLine("Payroll", 1, 300_00).IssuedAsync();

        await Should.ThrowAsync<DomainException>(() => stripe.StartAsync(client, [new(invoice.Id, client.Amount(20_00))]));
        var checkout = await stripe.PaidAsync(client, [new(invoice.Id, client.Amount(120_00))]);

        var stored = await app.InvoiceAsync(client.Firm, invoice.Id);
        stored.Status.ShouldBe(InvoiceStatus.PartiallyPaid);
        stored.AmountDue.ShouldBe(client.Amount(180_00));
        (await app.LedgerShouldBeConsistentAsync(client.Firm)).AmountDue(invoice.Id, client.Currency).ShouldBe(client.Amount(180_00));
    }

    [Fact]
    public async Task Prepayment_by_card_becomes_credit_in_the_wallet()
    {
        var (stripe, client) = await AConnectedClientAsync();

        await stripe.PaidAsync(client, [], client.Amount(250_00));

        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(250_00));
        (await app.LedgerShouldBeConsistentAsync(client.Firm)).WalletCredit(client.Id, client.Currency).ShouldBe(client.Amount(250_00));
    }

    [Fact]
    public async Task Declined_card_changes_nothing_and_the_client_can_still_pay_in_the_same_checkout()
    {
        var (stripe, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("VAT return", 1, 90_00).IssuedAsync();
        var checkout = await stripe.StartAsync(client, [new(invoice.Id, client.Amount(90_00))]);
        var before = await app.MoneySnapshotAsync(client.Firm);

        await stripe.ChooseAsync(checkout, "decline");
        await stripe.ApplyWebhooksAsync(EventTypes.PaymentIntentPaymentFailed);

        (await stripe.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Initiated);
        (await app.MoneySnapshotAsync(client.Firm)).LedgerTransactions.ShouldBe(before.LedgerTransactions);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Open);

        await stripe.ChooseAsync(checkout, "pay");
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
    }

    [Fact]
    public async Task Cancelling_on_the_hosted_page_returns_with_nothing_changed_and_ends_the_attempt()
    {
        var (stripe, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Advisory", 1, 75_00).IssuedAsync();
        var checkout = await stripe.StartAsync(client, [new(invoice.Id, client.Amount(75_00))]);
        var before = await app.MoneySnapshotAsync(client.Firm);

        var backTo = await stripe.ChooseAsync(checkout, "cancel");
        backTo!.Query.ShouldContain("cancelled=true");
        await app.AsStaffOfAsync<Portal.Payments.PaymentAttempts>(client.Firm, attempts => attempts.AbandonAsync(checkout.PaymentId));
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionExpired);

        (await stripe.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Cancelled);
        var after = await app.MoneySnapshotAsync(client.Firm);
        (after.LedgerTransactions, after.Invoices).ShouldBe((before.LedgerTransactions, before.Invoices));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(0));
    }

    [Fact]
    public async Task Delayed_method_is_pending_until_it_succeeds()
    {
        var (stripe, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Company secretarial", 1, 60_00).IssuedAsync();
        var checkout = await stripe.StartAsync(client, [new(invoice.Id, client.Amount(60_00))]);

        await stripe.ChooseAsync(checkout, "delayed_success");
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted);

        (await stripe.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Pending);
        var pending = await app.InvoiceAsync(client.Firm, invoice.Id);
        (pending.Status, pending.Pending).ShouldBe((InvoiceStatus.Open, client.Amount(60_00)));

        await stripe.SettleDelayedAsync(checkout);
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted, EventTypes.CheckoutSessionAsyncPaymentSucceeded);

        (await stripe.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Succeeded);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }

    [Fact]
    public async Task Delayed_method_that_fails_releases_the_pending_amount()
    {
        var (stripe, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Tax planning", 1, 60_00).IssuedAsync();
        var checkout = await stripe.StartAsync(client, [new(invoice.Id, client.Amount(60_00))]);

        await stripe.ChooseAsync(checkout, "delayed_failure");
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted);
        await stripe.SettleDelayedAsync(checkout);
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted, EventTypes.CheckoutSessionAsyncPaymentFailed);

        (await stripe.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Failed);
        var stored = await app.InvoiceAsync(client.Firm, invoice.Id);
        (stored.Status, stored.Pending, stored.AmountDue).ShouldBe((InvoiceStatus.Open, client.Amount(0), client.Amount(60_00)));
        (await app.LedgerShouldBeConsistentAsync(client.Firm)).Balance(LedgerAccount.Clearing(PaymentProvider.Stripe), client.Currency).ShouldBe(client.Amount(0));
    }

    [Fact]
    public async Task Staff_refund_to_the_card_in_two_parts_reopens_the_invoice_and_the_webhooks_book_nothing_twice()
    {
        var (stripe, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Bookkeeping", 1, 200_00).IssuedAsync();
        var checkout = await stripe.PaidAsync(client, [new(invoice.Id, client.Amount(200_00))]);

        await app.AsStaffOfAsync<StripeRefunder>(client.Firm, refunder => refunder.RefundToCardAsync(checkout.PaymentId, client.Amount(50_00), "refund-1"));
        await app.AsStaffOfAsync<StripeRefunder>(client.Firm, refunder => refunder.RefundToCardAsync(checkout.PaymentId, client.Amount(30_00), "refund-2"));
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted, EventTypes.ChargeRefunded, EventTypes.ChargeRefunded);

        var payment = await stripe.PaymentAsync(checkout.PaymentId);
        (payment.Status, payment.Refunded).ShouldBe((PaymentStatus.PartiallyRefunded, client.Amount(80_00)));
        var reopened = await app.InvoiceAsync(client.Firm, invoice.Id);
        (reopened.Status, reopened.AmountDue).ShouldBe((InvoiceStatus.PartiallyPaid, client.Amount(80_00)));
        var ledger = await app.LedgerShouldBeConsistentAsync(client.Firm);
        var fee = await StripeFeeAsync(stripe, checkout.PaymentId);
        ledger.Balance(LedgerAccount.Clearing(PaymentProvider.Stripe), client.Currency).ShouldBe(client.Amount(120_00) - fee);
        await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<StripeRefunder>(client.Firm, refunder => refunder.RefundToCardAsync(checkout.PaymentId, client.Amount(150_00), "refund-3")));
    }

    [Fact]
    public async Task A_refund_the_card_could_not_take_comes_back_as_the_clients_credit_once_and_the_client_and_staff_are_told()
    {
        var (stripe, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Payroll", 1, 120_00).IssuedAsync();
        var checkout = await stripe.PaidAsync(client, [new(invoice.Id, client.Amount(120_00))]);
        await app.AsStaffOfAsync<Portal.Notifications.StaffNotifications>(client.Firm, n => n.ChooseAsync(client.Firm.Staff.UserId, Portal.Notifications.NotificationFrequency.FailuresOnly));
        await app.AsStaffOfAsync<StripeRefunder>(client.Firm, refunder => refunder.RefundToCardAsync(checkout.PaymentId, client.Amount(70_00), "refund-1"));
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted, EventTypes.ChargeRefunded, EventTypes.RefundCreated);
        var created = (await app.InboxAsync()).Single(e => e.FirmId == client.Firm.Id && e.Type == EventTypes.RefundCreated);
        var refundId = System.Text.Json.Nodes.JsonNode.Parse(created.Body)!["data"]!["object"]!["id"]!.GetValue<string>();

        await stripe.FailRefundAsync(refundId);
        // refund.failed and refund.updated both say so; a late charge.refunded from before the failure books nothing again.
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted, EventTypes.ChargeRefunded, EventTypes.RefundFailed, EventTypes.RefundUpdated);
        var before = (await app.InboxAsync()).First(e => e.FirmId == client.Firm.Id && e.Type == EventTypes.ChargeRefunded);
        var late = System.Text.Json.Nodes.JsonNode.Parse(before.Body)!.AsObject();
        late["id"] = "evt_late_" + Guid.NewGuid().ToString("N")[..16];
        using (var posted = await app.PostStripeEventAsync(client.Firm.Key, late.ToJsonString(), await app.WebhookSigningSecretAsync(client.Firm)))
            posted.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
        await app.ProcessWebhooksAsync();

        var payment = await stripe.PaymentAsync(checkout.PaymentId);
        (payment.Status, payment.Refunded).ShouldBe((PaymentStatus.Succeeded, client.Amount(0)));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(70_00));
        // The invoice the refund reopened stays as it was: the client is owed the money as credit, which pays it or comes back another way.
        (await app.InvoiceAsync(client.Firm, invoice.Id)).AmountDue.ShouldBe(client.Amount(70_00));
        var ledger = await app.LedgerShouldBeConsistentAsync(client.Firm);
        var fee = await StripeFeeAsync(stripe, checkout.PaymentId);
        ledger.Balance(LedgerAccount.Clearing(PaymentProvider.Stripe), client.Currency).ShouldBe(client.Amount(120_00) - fee);
        await using var db = app.OpenDb(client.Firm.Id);
        (await db.LedgerTransactions.CountAsync(t => t.Kind == LedgerTransactionKind.RefundFailed)).ShouldBe(1);
        (await db.Set<Portal.Notifications.StaffNotification>().AsNoTracking().Where(n => n.Kind == Portal.Notifications.NotificationKind.RefundFailed).CountAsync()).ShouldBe(1);
        (await db.Set<Portal.Email.EmailMessage>().AsNoTracking().CountAsync(m => m.IdempotencyKey!.StartsWith("staff-refund-failed:"))).ShouldBe(1);
        // The client is told once too: the money is their credit, with the balance it makes.
        var toClient = await db.Set<Portal.Email.EmailMessage>().AsNoTracking().Where(m => m.IdempotencyKey!.StartsWith("refund-failed:")).ToListAsync();
        toClient.Count.ShouldBe(1);
        toClient[0].To.ShouldStartWith("billing-");
        toClient[0].Subject.ShouldContain("could not be made to your card");
        toClient[0].TextBody.ShouldContain("your credit balance is €70.00");

        // The client's credit can be refunded to the card again, or spent.
        await app.AsStaffOfAsync<StripeRefunder>(client.Firm, refunder => refunder.RefundToCardAsync(checkout.PaymentId, client.Amount(70_00), "refund-2"));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(0));
        (await stripe.PaymentAsync(checkout.PaymentId)).Refunded.ShouldBe(client.Amount(70_00));
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }

    [Fact]
    public async Task Refund_as_credit_moves_the_amount_to_the_wallet()
    {
        var (stripe, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Advisory", 1, 100_00).IssuedAsync();
        var checkout = await stripe.PaidAsync(client, [new(invoice.Id, client.Amount(100_00))]);

        await app.AsStaffOfAsync<StripeRefunder>(client.Firm, refunder => refunder.RefundAsCreditAsync(checkout.PaymentId, invoice.Id, client.Amount(40_00), "credit-1"));

        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(40_00));
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }

    [Fact]
    public async Task Lost_dispute_reverses_the_payment_and_reopens_the_invoice()
    {
        var (stripe, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Annual accounts", 1, 150_00).IssuedAsync();
        var checkout = await stripe.PaidAsync(client, [new(invoice.Id, client.Amount(150_00))]);

        var dispute = await stripe.OpenDisputeAsync(checkout.PaymentId);
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted, EventTypes.ChargeDisputeCreated);
        (await stripe.PaymentAsync(checkout.PaymentId)).Disputed.ShouldBeTrue();
        await stripe.CloseDisputeAsync(dispute, "lost");
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted, EventTypes.ChargeDisputeCreated, EventTypes.ChargeDisputeClosed);

        var payment = await stripe.PaymentAsync(checkout.PaymentId);
        (payment.Status, payment.ReversalReason).ShouldBe((PaymentStatus.Reversed, ReversalReason.DisputeLost));
        var reopened = await app.InvoiceAsync(client.Firm, invoice.Id);
        (reopened.Status, reopened.AmountDue).ShouldBe((InvoiceStatus.Open, client.Amount(150_00)));
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }

    [Fact]
    public async Task Duplicate_stripe_deliveries_credit_the_wallet_once()
    {
        var (stripe, client) = await AConnectedClientAsync();
        using (var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/stripe/_control/") })
            (await control.PostAsync("webhooks/mode", System.Net.Http.Json.JsonContent.Create(new { mode = "duplicate" }))).EnsureSuccessStatusCode();
        try
        {
            var checkout = await stripe.StartAsync(client, [], client.Amount(70_00));
            await stripe.ChooseAsync(checkout, "pay");
            await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted);
            // Wait for the sandbox to have delivered the duplicates too, then apply what they put in the inbox.
            using (var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/stripe/_control/") })
                (await control.GetAsync("webhooks/settled?timeoutMs=10000")).EnsureSuccessStatusCode();
            await app.ProcessWebhooksAsync();
        }
        finally
        {
            using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/stripe/_control/") };
            (await control.PostAsync("webhooks/mode", System.Net.Http.Json.JsonContent.Create(new { mode = "normal" }))).EnsureSuccessStatusCode();
        }

        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(70_00));
        (await app.InboxAsync()).Count(e => e.Type == EventTypes.CheckoutSessionCompleted).ShouldBe(1);
    }
}
