using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Providers.PayPal.Checkout;
using Portal.Providers.PayPal.Webhooks;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;
using Portal.Webhooks;

namespace Portal.Tests.Providers.PayPal;

public sealed class PayPalPaymentTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(PayPalPaymentDriver PayPal, TestClient Client)> AConnectedClientAsync(string currency = "EUR")
    {
        var firm = await app.AFirmAsync(currency: currency);
        var paypal = await PayPalPaymentDriver.ConnectAsync(app, firm);
        return (paypal, await app.AClientAsync(firm, currency));
    }

    [Fact]
    public async Task Paying_an_invoice_with_paypal_marks_it_paid_and_books_paypal_clearing_and_fee()
    {
        var (paypal, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).IssuedAsync();

        var checkout = await paypal.StartAsync(client, [new(invoice.Id, client.Amount(480_00))]);
        (await paypal.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Initiated);
        var order = await (await paypal.ClientAsync()).GetOrderAsync(checkout.OrderId);
        order.PurchaseUnits.ShouldHaveSingleItem().CustomId.ShouldBe(checkout.PaymentId.ToString());
        order.PurchaseUnits[0].Description.ShouldBe($"Invoice {invoice.Number}");
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldNotBe(InvoiceStatus.Paid);

        var backTo = await PayPalPaymentDriver.ChooseAsync(checkout, "approve");
        backTo.AbsolutePath.ShouldBe($"/portal/paypal/return/{checkout.PaymentId}");
        using (var back = await paypal.ReturnAsync(client, backTo))
        {
            back.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            back.Headers.Location!.OriginalString.ShouldBe($"/portal/payments/{checkout.PaymentId}");
        }

        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        var payment = await paypal.PaymentAsync(checkout.PaymentId);
        payment.Status.ShouldBe(PaymentStatus.Succeeded);
        var capture = await (await paypal.ClientAsync()).GetCaptureAsync(payment.ProviderPaymentId!);
        var fee = capture.SellerReceivableBreakdown!.PaypalFee!.ToMoney();
        fee.IsPositive.ShouldBeTrue();
        payment.Fee.ShouldBe(fee);
        var ledger = await app.LedgerShouldBeConsistentAsync(client.Firm);
        ledger.Balance(LedgerAccount.Clearing(PaymentProvider.PayPal), client.Currency).ShouldBe(client.Amount(480_00) - fee);
        ledger.Balance(LedgerAccount.Fees(PaymentProvider.PayPal), client.Currency).ShouldBe(fee);
        ledger.AmountDue(invoice.Id, client.Currency).ShouldBe(client.Amount(0));
    }

    [Fact]
    public async Task The_return_twice_and_the_webhooks_capture_once_and_book_once()
    {
        var (paypal, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Payroll", 1, 120_00).IssuedAsync();
        var checkout = await paypal.StartAsync(client, [new(invoice.Id, client.Amount(120_00))]);
        var backTo = await PayPalPaymentDriver.ChooseAsync(checkout, "approve");

        using (var first = await paypal.ReturnAsync(client, backTo))
            first.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using (var second = await paypal.ReturnAsync(client, backTo))
            second.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await paypal.ApplyWebhooksAsync("CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.COMPLETED");

        var order = await (await paypal.ClientAsync()).GetOrderAsync(checkout.OrderId);
        order.PurchaseUnits.SelectMany(u => u.Payments!.Captures).ShouldHaveSingleItem();
        (await paypal.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Succeeded);
        (await paypal.LedgerTransactionsAsync(checkout.PaymentId, LedgerTransactionKind.PaymentSucceeded)).ShouldBe(1);
        (await paypal.LedgerTransactionsAsync(checkout.PaymentId, LedgerTransactionKind.ProviderFee)).ShouldBe(1);
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }

    [Fact]
    public async Task A_payer_who_never_comes_back_is_captured_by_the_approved_webhook()
    {
        var (paypal, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Payroll", 1, 75_00).IssuedAsync();
        var checkout = await paypal.StartAsync(client, [new(invoice.Id, client.Amount(75_00))]);

        await PayPalPaymentDriver.ChooseAsync(checkout, "approve");
        await paypal.ApplyWebhooksAsync("CHECKOUT.ORDER.APPROVED");
        await paypal.ApplyWebhooksAsync("PAYMENT.CAPTURE.COMPLETED");

        (await paypal.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Succeeded);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        (await paypal.LedgerTransactionsAsync(checkout.PaymentId, LedgerTransactionKind.PaymentSucceeded)).ShouldBe(1);
    }

    [Fact]
    public async Task A_pending_capture_is_processing_and_never_paid_until_paypal_completes_it()
    {
        var (paypal, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 300_00).IssuedAsync();
        var checkout = await paypal.StartAsync(client, [new(invoice.Id, client.Amount(300_00))]);

        using (var back = await paypal.ReturnAsync(client, await PayPalPaymentDriver.ChooseAsync(checkout, "approve_pending")))
            back.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await paypal.ApplyWebhooksAsync("CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.PENDING");

        var pending = await paypal.PaymentAsync(checkout.PaymentId);
        pending.Status.ShouldBe(PaymentStatus.Pending);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldNotBe(InvoiceStatus.Paid);
        (await paypal.LedgerTransactionsAsync(checkout.PaymentId, LedgerTransactionKind.PaymentSucceeded)).ShouldBe(0);

        await paypal.ControlAsync($"captures/{pending.ProviderPaymentId}/complete");
        await paypal.ApplyWebhooksAsync("PAYMENT.CAPTURE.COMPLETED");

        (await paypal.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Succeeded);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }

    [Fact]
    public async Task A_completion_whose_webhook_was_lost_is_found_by_listing_paypals_events_and_applied_once()
    {
        var (paypal, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 300_00).IssuedAsync();
        var checkout = await paypal.StartAsync(client, [new(invoice.Id, client.Amount(300_00))]);
        using (var back = await paypal.ReturnAsync(client, await PayPalPaymentDriver.ChooseAsync(checkout, "approve_pending")))
            back.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await paypal.ApplyWebhooksAsync("CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.PENDING");
        var captureId = (await paypal.PaymentAsync(checkout.PaymentId)).ProviderPaymentId;

        // PayPal completes the capture, and its webhook never reaches the portal.
        await paypal.ControlAsync("webhooks/mode", new { mode = "lost" });
        try
        {
            await paypal.ControlAsync($"captures/{captureId}/complete");
        }
        finally
        {
            await paypal.ControlAsync("webhooks/mode", new { mode = "normal" });
        }
        await app.ProcessWebhooksAsync();
        (await paypal.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Pending);

        (await app.AsProviderForAsync<PayPalEventReconciliation, int>(client.Firm, r => r.ReconcileAsync())).ShouldBe(1);
        (await app.AsProviderForAsync<PayPalEventReconciliation, int>(client.Firm, r => r.ReconcileAsync())).ShouldBe(0);
        await paypal.ApplyWebhooksAsync("PAYMENT.CAPTURE.COMPLETED");

        (await paypal.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Succeeded);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        (await paypal.LedgerTransactionsAsync(checkout.PaymentId, LedgerTransactionKind.PaymentSucceeded)).ShouldBe(1);
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }

    [Fact]
    public async Task A_completed_applied_before_a_late_pending_leaves_the_payment_paid()
    {
        var (paypal, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 90_00).IssuedAsync();
        var checkout = await paypal.StartAsync(client, [new(invoice.Id, client.Amount(90_00))]);
        await PayPalPaymentDriver.ChooseAsync(checkout, "approve_pending");
        // The portal's capture (as on return), then PayPal completes it: PENDING and COMPLETED both wait in the inbox.
        var payment = await paypal.PaymentAsync(checkout.PaymentId);
        await app.AsProviderForAsync<PayPalPayments, object?>(client.Firm, async p => await p.CaptureAsync(payment, CancellationToken.None));
        var captureId = (await paypal.PaymentAsync(checkout.PaymentId)).ProviderPaymentId;
        await paypal.ControlAsync($"captures/{captureId}/complete");
        var inbox = await paypal.ArrivedAsync("PAYMENT.CAPTURE.PENDING", "PAYMENT.CAPTURE.COMPLETED");

        // Delivered out of order: COMPLETED applied first, the stale PENDING after it.
        foreach (var type in new[] { "PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.PENDING" })
            await app.AsProviderForAsync<WebhookDispatcher, WebhookOutcome>(client.Firm, d => d.DispatchAsync(inbox.Single(e => e.Type == type), CancellationToken.None));

        (await paypal.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Succeeded);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        (await paypal.LedgerTransactionsAsync(checkout.PaymentId, LedgerTransactionKind.PaymentSucceeded)).ShouldBe(1);
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }

    [Fact]
    public async Task A_declined_capture_fails_the_payment_and_leaves_the_invoice_due()
    {
        var (paypal, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 60_00).IssuedAsync();
        var checkout = await paypal.StartAsync(client, [new(invoice.Id, client.Amount(60_00))]);

        using (var back = await paypal.ReturnAsync(client, await PayPalPaymentDriver.ChooseAsync(checkout, "approve_declined")))
            back.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await paypal.ApplyWebhooksAsync("CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.DENIED");

        (await paypal.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Failed);
        var ledger = await app.LedgerShouldBeConsistentAsync(client.Firm);
        ledger.AmountDue(invoice.Id, client.Currency).ShouldBe(client.Amount(60_00));
    }

    [Fact]
    public async Task Cancelling_on_paypals_page_ends_the_attempt_and_a_later_return_captures_nothing()
    {
        var (paypal, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 60_00).IssuedAsync();
        var checkout = await paypal.StartAsync(client, [new(invoice.Id, client.Amount(60_00))]);

        var backTo = await PayPalPaymentDriver.ChooseAsync(checkout, "cancel");
        backTo.AbsolutePath.ShouldBe($"/portal/payments/{checkout.PaymentId}");
        using (var session = await app.SignInAsync(client.Contact))
        {
            var (status, page) = await session.GetPageAsync(backTo.PathAndQuery);
            status.ShouldBe(HttpStatusCode.OK);
            System.Net.WebUtility.HtmlDecode(page).ShouldContain("PayPal payment not made — nothing was taken.");
        }

        var payment = await paypal.PaymentAsync(checkout.PaymentId);
        payment.Status.ShouldBe(PaymentStatus.Cancelled);
        payment.IsAttemptOnly.ShouldBeTrue();
        using (var late = await paypal.ReturnAsync(client, new Uri(app.BaseUrl, $"/portal/paypal/return/{checkout.PaymentId}?token={checkout.OrderId}")))
            late.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await (await paypal.ClientAsync()).GetOrderAsync(checkout.OrderId)).PurchaseUnits.SelectMany(u => u.Payments?.Captures ?? []).ShouldBeEmpty();
        (await app.LedgerShouldBeConsistentAsync(client.Firm)).AmountDue(invoice.Id, client.Currency).ShouldBe(client.Amount(60_00));
    }

    [Fact]
    public async Task Staff_refund_part_then_the_rest_to_paypal_and_the_invoice_is_due_again()
    {
        var (paypal, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 200_00).IssuedAsync();
        var checkout = await paypal.PaidAsync(client, [new(invoice.Id, client.Amount(200_00))]);

        await app.AsStaffOfAsync<PayPalRefunder, Portal.Ledger.MoneyResult>(client.Firm, r => r.RefundToPayPalAsync(checkout.PaymentId, client.Amount(50_00), "first"));
        await paypal.ApplyWebhooksAsync("PAYMENT.CAPTURE.REFUNDED");
        var partly = await paypal.PaymentAsync(checkout.PaymentId);
        partly.Status.ShouldBe(PaymentStatus.PartiallyRefunded);
        partly.Refunded.ShouldBe(client.Amount(50_00));
        (await app.LedgerShouldBeConsistentAsync(client.Firm)).AmountDue(invoice.Id, client.Currency).ShouldBe(client.Amount(50_00));

        await app.AsStaffOfAsync<PayPalRefunder, Portal.Ledger.MoneyResult>(client.Firm, r => r.RefundToPayPalAsync(checkout.PaymentId, client.Amount(150_00), "second"));
        await paypal.ApplyWebhooksAsync("PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REFUNDED");
        var refunded = await paypal.PaymentAsync(checkout.PaymentId);
        refunded.Status.ShouldBe(PaymentStatus.Refunded);
        refunded.Refunded.ShouldBe(client.Amount(200_00));
        (await paypal.LedgerTransactionsAsync(checkout.PaymentId, LedgerTransactionKind.RefundToPaymentMethod)).ShouldBe(2);
        (await app.LedgerShouldBeConsistentAsync(client.Firm)).AmountDue(invoice.Id, client.Currency).ShouldBe(client.Amount(200_00));
    }

    [Fact]
    public async Task A_dispute_the_payer_wins_takes_the_money_back_once_and_the_invoice_is_due_again()
    {
        var (paypal, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Bookkeeping", 1, 150_00).IssuedAsync();
        var checkout = await paypal.PaidAsync(client, [new(invoice.Id, client.Amount(150_00))]);

        var dispute = await paypal.DisputeAsync(checkout.PaymentId);
        await paypal.ApplyWebhooksAsync("CUSTOMER.DISPUTE.CREATED");
        // Open, it is said on the payment and nothing moves.
        var disputed = await paypal.PaymentAsync(checkout.PaymentId);
        (disputed.Status, disputed.Disputed).ShouldBe((PaymentStatus.Succeeded, true));
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);

        await paypal.ResolveDisputeAsync(dispute, "payer");
        await paypal.ApplyWebhooksAsync("CUSTOMER.DISPUTE.CREATED", "PAYMENT.CAPTURE.REVERSED", "CUSTOMER.DISPUTE.RESOLVED");

        var payment = await paypal.PaymentAsync(checkout.PaymentId);
        payment.Status.ShouldBe(PaymentStatus.Reversed);
        (await paypal.LedgerTransactionsAsync(checkout.PaymentId, LedgerTransactionKind.PaymentReversed)).ShouldBe(1);
        var reopened = await app.InvoiceAsync(client.Firm, invoice.Id);
        (reopened.Status, reopened.AmountDue).ShouldBe((InvoiceStatus.Open, client.Amount(150_00)));
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }

    [Fact]
    public async Task A_dispute_the_firm_wins_leaves_the_invoice_paid_and_the_payment_no_longer_disputed()
    {
        var (paypal, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Payroll", 1, 90_00).IssuedAsync();
        var checkout = await paypal.PaidAsync(client, [new(invoice.Id, client.Amount(90_00))]);

        var dispute = await paypal.DisputeAsync(checkout.PaymentId);
        await paypal.ApplyWebhooksAsync("CUSTOMER.DISPUTE.CREATED");
        (await paypal.PaymentAsync(checkout.PaymentId)).Disputed.ShouldBeTrue();
        await paypal.ResolveDisputeAsync(dispute, "seller");
        await paypal.ApplyWebhooksAsync("CUSTOMER.DISPUTE.CREATED", "CUSTOMER.DISPUTE.RESOLVED");

        var payment = await paypal.PaymentAsync(checkout.PaymentId);
        (payment.Status, payment.Disputed).ShouldBe((PaymentStatus.Succeeded, false));
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        (await paypal.LedgerTransactionsAsync(checkout.PaymentId, LedgerTransactionKind.PaymentReversed)).ShouldBe(0);
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }

    [Fact]
    public async Task Dispute_events_applied_only_after_paypal_decided_for_the_payer_take_the_money_back_once()
    {
        var (paypal, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Tax return", 1, 60_00).IssuedAsync();
        var checkout = await paypal.PaidAsync(client, [new(invoice.Id, client.Amount(60_00))]);

        // Each of the three events is applied when the dispute already reads resolved: whichever comes first takes the
        // money back, and the others find nothing left to do.
        var dispute = await paypal.DisputeAsync(checkout.PaymentId);
        await paypal.ResolveDisputeAsync(dispute, "payer");
        await paypal.ApplyWebhooksAsync("CUSTOMER.DISPUTE.CREATED", "PAYMENT.CAPTURE.REVERSED", "CUSTOMER.DISPUTE.RESOLVED");

        var payment = await paypal.PaymentAsync(checkout.PaymentId);
        (payment.Status, payment.Disputed).ShouldBe((PaymentStatus.Reversed, true));
        (await paypal.LedgerTransactionsAsync(checkout.PaymentId, LedgerTransactionKind.PaymentReversed)).ShouldBe(1);
        (await app.LedgerShouldBeConsistentAsync(client.Firm)).AmountDue(invoice.Id, client.Currency).ShouldBe(client.Amount(60_00));
    }

    [Fact]
    public async Task A_currency_paypal_does_not_take_is_refused_with_its_reason_and_nothing_is_recorded()
    {
        var (paypal, client) = await AConnectedClientAsync("BRL");
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 60_00).IssuedAsync();
        var before = await app.MoneySnapshotAsync(client.Firm);

        var refused = await Should.ThrowAsync<DomainException>(() => paypal.StartAsync(client, [new(invoice.Id, client.Amount(60_00))]));

        refused.Message.ShouldContain("BRL");
        (await app.MoneySnapshotAsync(client.Firm)).ShouldBe(before);
    }

    [Fact]
    public async Task Another_firms_payment_id_on_the_return_url_is_not_found_and_captures_nothing()
    {
        var (paypal, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 60_00).IssuedAsync();
        var checkout = await paypal.StartAsync(client, [new(invoice.Id, client.Amount(60_00))]);
        var backTo = await PayPalPaymentDriver.ChooseAsync(checkout, "approve");
        var otherFirm = await app.AFirmAsync();
        var stranger = await app.AClientAsync(otherFirm);

        using (var response = await paypal.ReturnAsync(stranger, backTo))
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        (await paypal.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Initiated);
        (await (await paypal.ClientAsync()).GetOrderAsync(checkout.OrderId)).PurchaseUnits.SelectMany(u => u.Payments?.Captures ?? []).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_forged_capture_completed_for_a_real_payment_is_refused_and_nothing_is_paid()
    {
        var (paypal, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 60_00).IssuedAsync();
        var checkout = await paypal.StartAsync(client, [new(invoice.Id, client.Amount(60_00))]);
        var connection = (await app.StoredConnectionAsync(client.Firm, PaymentProvider.PayPal))!;
        var forged = new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = "WH-FORGED-" + Guid.NewGuid().ToString("N"),
            ["event_type"] = "PAYMENT.CAPTURE.COMPLETED",
            ["resource_type"] = "capture",
            ["resource"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "FORGED", ["status"] = "COMPLETED", ["custom_id"] = checkout.PaymentId.ToString() },
        }.ToJsonString();

        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/paypal/{connection.Id}") { Content = new StringContent(forged, System.Text.Encoding.UTF8, "application/json") };
        foreach (var (name, value) in new[] { ("PAYPAL-TRANSMISSION-ID", Guid.NewGuid().ToString()), ("PAYPAL-TRANSMISSION-TIME", "2026-12-06T12:00:00Z"),
                     ("PAYPAL-TRANSMISSION-SIG", Convert.ToBase64String(new byte[64])), ("PAYPAL-CERT-URL", "https://api.paypal.com/cert.pem"), ("PAYPAL-AUTH-ALGO", "SHA256withRSA") })
            request.Headers.TryAddWithoutValidation(name, value);
        using var response = await http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await app.InboxAsync()).ShouldBeEmpty();
        await app.ProcessWebhooksAsync();
        (await paypal.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Initiated);
        (await app.LedgerShouldBeConsistentAsync(client.Firm)).AmountDue(invoice.Id, client.Currency).ShouldBe(client.Amount(60_00));
    }
}
