using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
using Portal.GoCardless;
using Portal.Live;
using Portal.Payments;
using Portal.Tests.DirectDebit;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;
using Stripe;

namespace Portal.Tests.Payments;

/// <summary>
/// A hosted card or mandate page the client leaves (cancel, Back, expiry) is an attempt, never a payment: it ends with
/// nothing taken, the invoice stays payable by every method, and no list of payments shows it.
/// </summary>
public sealed class AbandonedAttemptTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(CardPaymentDriver Stripe, DirectDebitDriver GoCardless, TestClient Client)> AClientOfAFirmWithBothProvidersAsync()
    {
        var firm = await app.AFirmAsync();
        var stripe = await CardPaymentDriver.ConnectAsync(app, firm);
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        return (stripe, gc, await app.AClientAsync(firm));
    }

    [Fact]
    public async Task Cancelling_the_mandate_page_abandons_the_attempt_at_gocardless_and_here_and_the_client_lands_on_the_invoice()
    {
        var (_, gc, client) = await AClientOfAFirmWithBothProvidersAsync();
        var invoice = await app.AnInvoice(client).WithLine("Annual accounts", 1, 720_00).IssuedAsync();
        var started = await gc.PayAsync(client, [new(invoice.Id, client.Amount(720_00))]);
        var before = await app.MoneySnapshotAsync(client.Firm);

        var exit = await gc.ApproveAsync(started.SignMandateAt.ShouldNotBeNull(), "cancel");
        exit!.AbsolutePath.ShouldBe("/portal/direct-debit/exit");
        using var session = await app.SignInAsync(client.Contact);
        using var landing = await session.GetAsync(exit.PathAndQuery);

        landing.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        landing.Headers.Location!.OriginalString.ShouldEndWith($"/portal/invoices/{invoice.Id}?direct-debit=not-set-up");
        var attempt = await gc.PaymentAsync(started.PaymentId);
        (attempt.Status, attempt.IsAttemptOnly).ShouldBe((PaymentStatus.Cancelled, true));
        (await gc.GoCardless.GetBillingRequestAsync(attempt.ProviderCheckoutId!)).Status.ShouldBe(GoCardlessBillingRequestStatus.Cancelled);
        // The events GoCardless sends about it afterwards change nothing more.
        await gc.ApplyWebhooksAsync("billing_requests.flow_exited", "billing_requests.cancelled");
        var after = await app.MoneySnapshotAsync(client.Firm);
        (after.LedgerTransactions, after.Postings, after.Invoices).ShouldBe((before.LedgerTransactions, before.Postings, before.Invoices));
        var payable = await app.InvoiceAsync(client.Firm, invoice.Id);
        (payable.Status, payable.Pending, payable.AmountPayable).ShouldBe((InvoiceStatus.Open, client.Amount(0), client.Amount(720_00)));

        var (_, page) = await session.GetPageAsync(landing.Headers.Location.OriginalString);
        var html = WebUtility.HtmlDecode(page);
        html.ShouldContain("Direct debit not set up — nothing was taken.");
        html.ShouldContain("data-testid=\"pay-by-direct-debit-button\"");
        html.ShouldContain("data-testid=\"pay-invoice-by-card\"");
        html.ShouldNotContain("data-testid=\"direct-debit-scheduled\"");
        html.ShouldNotContain("data-testid=\"invoice-payments\"");
        (await session.GetAsync("/culture/fr?redirectUri=/portal")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var (_, french) = await session.GetPageAsync(landing.Headers.Location.OriginalString);
        WebUtility.HtmlDecode(french).ShouldContain("Prélèvement non mis en place — rien n'a été prélevé.");
    }

    [Fact]
    public async Task The_signed_link_of_an_abandoned_attempt_can_no_longer_set_up_a_mandate_or_collect()
    {
        var (_, gc, client) = await AClientOfAFirmWithBothProvidersAsync();
        var invoice = await app.AnInvoice(client).WithLine("Payroll", 1, 90_00).IssuedAsync();
        var started = await gc.PayAsync(client, [new(invoice.Id, client.Amount(90_00))]);
        await gc.ApproveAsync(started.SignMandateAt.ShouldNotBeNull(), "cancel");

        // The client never came back through the exit page (tab closed): GoCardless's flow_exited event ends it.
        await gc.ApplyWebhooksAsync("billing_requests.flow_exited", "billing_requests.cancelled");

        (await gc.PaymentAsync(started.PaymentId)).Status.ShouldBe(PaymentStatus.Cancelled);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var signed = await browser.PostAsync(started.SignMandateAt, new FormUrlEncodedContent([new("action", "approve_active")]));
        signed.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await gc.MandatesAsync(client)).ShouldBeEmpty();
        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_billing_request_that_failed_at_gocardless_ends_its_attempt_once()
    {
        var (_, gc, client) = await AClientOfAFirmWithBothProvidersAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 300_00).IssuedAsync();
        var started = await gc.PayAsync(client, [new(invoice.Id, client.Amount(300_00))]);
        var requestId = (await gc.PaymentAsync(started.PaymentId)).ProviderCheckoutId!;
        var failed = new JsonObject
        {
            ["id"] = "EV" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant(),
            ["created_at"] = app.Clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
            ["resource_type"] = "billing_requests",
            ["action"] = "failed",
            ["links"] = new JsonObject { ["billing_request"] = requestId },
            ["details"] = new JsonObject { ["origin"] = "gocardless", ["cause"] = "billing_request_failed", ["description"] = "The bank refused." },
            ["metadata"] = new JsonObject(),
        };

        var body = DirectDebitDriver.Delivery(failed);
        (await gc.PostEventsAsync(body)).IsSuccessStatusCode.ShouldBeTrue();
        (await gc.PostEventsAsync(body)).IsSuccessStatusCode.ShouldBeTrue();
        await gc.ApplyWebhooksAsync("billing_requests.failed");

        (await gc.PaymentAsync(started.PaymentId)).Status.ShouldBe(PaymentStatus.Cancelled);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).AmountPayable.ShouldBe(client.Amount(300_00));
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }

    [Fact]
    public async Task Cancel_on_the_hosted_card_page_ends_the_attempt_when_the_return_page_is_served_even_if_it_never_turns_interactive()
    {
        var (stripe, _, client) = await AClientOfAFirmWithBothProvidersAsync();
        var invoice = await app.AnInvoice(client).WithLine("Advisory", 1, 90_00).IssuedAsync();
        var checkout = await stripe.StartAsync(client, [new(invoice.Id, client.Amount(90_00))]);
        var before = await app.MoneySnapshotAsync(client.Firm);

        // A client who presses "View invoice" at once, or whose network blocks the live connection, only ever gets the
        // page as served: that request alone ends the attempt.
        var backTo = (await stripe.ChooseAsync(checkout, "cancel")).ShouldNotBeNull();
        backTo.Query.ShouldContain("cancelled=true");
        using var session = await app.SignInAsync(client.Contact);
        var (_, page) = await session.GetPageAsync(backTo.PathAndQuery);

        WebUtility.HtmlDecode(page).ShouldContain("Card payment not made — nothing was taken.");
        var attempt = await stripe.PaymentAsync(checkout.PaymentId);
        (attempt.Status, attempt.IsAttemptOnly).ShouldBe((PaymentStatus.Cancelled, true));
        (await stripe.Stripe.V1.Checkout.Sessions.GetAsync(attempt.ProviderCheckoutId)).Status.ShouldBe("expired");
        // Served again (the interactive render, a reload): nothing more happens.
        await session.GetPageAsync(backTo.PathAndQuery);
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionExpired);
        var after = await app.MoneySnapshotAsync(client.Firm);
        (after.LedgerTransactions, after.Postings, after.Invoices).ShouldBe((before.LedgerTransactions, before.Postings, before.Invoices));
        (await app.InvoiceAsync(client.Firm, invoice.Id)).AmountPayable.ShouldBe(client.Amount(90_00));
    }

    [Fact]
    public async Task An_expired_checkout_session_ends_the_card_attempt_with_nothing_taken()
    {
        var (stripe, _, client) = await AClientOfAFirmWithBothProvidersAsync();
        var invoice = await app.AnInvoice(client).WithLine("Advisory", 1, 120_00).IssuedAsync();
        var checkout = await stripe.StartAsync(client, [new(invoice.Id, client.Amount(120_00))]);
        var before = await app.MoneySnapshotAsync(client.Firm);

        // The client never came back (Back, tab closed): Stripe expires the session and says so.
        await stripe.Stripe.V1.Checkout.Sessions.ExpireAsync((await stripe.PaymentAsync(checkout.PaymentId)).ProviderCheckoutId);
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionExpired);

        var attempt = await stripe.PaymentAsync(checkout.PaymentId);
        (attempt.Status, attempt.IsAttemptOnly).ShouldBe((PaymentStatus.Cancelled, true));
        var after = await app.MoneySnapshotAsync(client.Firm);
        (after.LedgerTransactions, after.Invoices).ShouldBe((before.LedgerTransactions, before.Invoices));
        (await app.InvoiceAsync(client.Firm, invoice.Id)).AmountPayable.ShouldBe(client.Amount(120_00));
    }

    [Fact]
    public async Task Abandoned_and_unfinished_attempts_never_reach_staffs_payment_list_or_the_live_feed()
    {
        var (stripe, gc, client) = await AClientOfAFirmWithBothProvidersAsync();
        var first = await app.AnInvoice(client).WithLine("Bookkeeping", 1, 720_00).IssuedAsync();
        var second = await app.AnInvoice(client).WithLine("Payroll", 1, 80_00).IssuedAsync();
        var leftOnCardPage = await stripe.StartAsync(client, [new(second.Id, client.Amount(80_00))]);
        var debit = await gc.PayAsync(client, [new(first.Id, client.Amount(720_00))]);
        await gc.ApproveAsync(debit.SignMandateAt.ShouldNotBeNull(), "cancel");
        await gc.ApplyWebhooksAsync("billing_requests.flow_exited", "billing_requests.cancelled");
        var cancelledCard = await stripe.StartAsync(client, [new(first.Id, client.Amount(720_00))]);
        await app.AsClientAsync<PaymentAttempts, bool>(client, attempts => attempts.AbandonAsync(cancelledCard.PaymentId));

        (await app.AsStaffOfAsync<PaymentHistory, IReadOnlyList<PaymentSummary>>(client.Firm, history => history.ForClientAsync(client.Id))).ShouldBeEmpty();
        (await app.AsStaffOfAsync<PaymentHistory, IReadOnlyList<InvoicePaymentLine>>(client.Firm, history => history.ForInvoiceAsync(first.Id))).ShouldBeEmpty();
        var feed = await app.AsStaffOfAsync<PaymentsToday, PaymentsTodaySummary>(client.Firm, today => today.ForFirmAsync());
        (feed.Latest.Count, feed.Pending.Count).ShouldBe((0, 0));
        using var staff = await app.SignInAsync(client.Firm.Staff);
        var (_, dashboard) = await staff.GetPageAsync("/staff");
        dashboard.ShouldNotContain("data-testid=\"feed-payment\"");
        var (_, record) = await staff.GetPageAsync($"/staff/clients/{client.Id}");
        record.ShouldNotContain("data-testid=\"client-payment\"");

        // A real payment is listed, alone: the attempts still are not.
        await stripe.ChooseAsync(leftOnCardPage, "pay");
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted);
        (await app.AsStaffOfAsync<PaymentHistory, IReadOnlyList<PaymentSummary>>(client.Firm, history => history.ForClientAsync(client.Id)))
            .ShouldHaveSingleItem().Id.ShouldBe(leftOnCardPage.PaymentId);
        (await app.AsStaffOfAsync<PaymentsToday, PaymentsTodaySummary>(client.Firm, today => today.ForFirmAsync())).Latest
            .ShouldHaveSingleItem().Id.ShouldBe(leftOnCardPage.PaymentId);
    }

    [Fact]
    public async Task Paying_by_card_after_leaving_the_mandate_page_by_Back_closes_the_old_billing_request_so_the_invoice_is_collected_once()
    {
        var (stripe, gc, client) = await AClientOfAFirmWithBothProvidersAsync();
        var invoice = await app.AnInvoice(client).WithLine("Tax return", 1, 150_00).IssuedAsync();
        var debit = await gc.PayAsync(client, [new(invoice.Id, client.Amount(150_00))]);

        // Back from the mandate page leaves no trace at GoCardless: the attempt is only closed when the card payment starts.
        var card = await stripe.StartAsync(client, [new(invoice.Id, client.Amount(150_00))]);

        var abandoned = await gc.PaymentAsync(debit.PaymentId);
        abandoned.Status.ShouldBe(PaymentStatus.Cancelled);
        (await gc.GoCardless.GetBillingRequestAsync(abandoned.ProviderCheckoutId!)).Status.ShouldBe(GoCardlessBillingRequestStatus.Cancelled);
        await stripe.ChooseAsync(card, "pay");
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        (await browser.PostAsync(debit.SignMandateAt, new FormUrlEncodedContent([new("action", "approve_active")]))).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldBeEmpty();
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }

    [Fact]
    public async Task Paying_by_direct_debit_after_Back_from_the_card_page_expires_the_open_checkout()
    {
        var (stripe, gc, client) = await AClientOfAFirmWithBothProvidersAsync();
        await gc.ActiveMandateAsync(client);
        var invoice = await app.AnInvoice(client).WithLine("Company secretarial", 1, 60_00).DueInDays(10).IssuedAsync();
        var card = await stripe.StartAsync(client, [new(invoice.Id, client.Amount(60_00))]);

        var debit = await gc.PayAsync(client, [new(invoice.Id, client.Amount(60_00))]);

        (await gc.PaymentAsync(debit.PaymentId)).Status.ShouldBe(PaymentStatus.Pending);
        var attempt = await stripe.PaymentAsync(card.PaymentId);
        attempt.Status.ShouldBe(PaymentStatus.Cancelled);
        (await stripe.Stripe.V1.Checkout.Sessions.GetAsync(attempt.ProviderCheckoutId)).Status.ShouldBe("expired");
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionExpired);
        (await stripe.PaymentAsync(card.PaymentId)).Status.ShouldBe(PaymentStatus.Cancelled);
    }

    [Fact]
    public async Task A_client_with_an_active_mandate_pays_the_invoice_after_an_abandoned_attempt_on_it()
    {
        var (_, gc, client) = await AClientOfAFirmWithBothProvidersAsync();
        var invoice = await app.AnInvoice(client).WithLine("Annual accounts", 1, 720_00).DueInDays(14).IssuedAsync();
        var first = await gc.PayAsync(client, [new(invoice.Id, client.Amount(720_00))]);
        await gc.ApproveAsync(first.SignMandateAt.ShouldNotBeNull(), "cancel");
        await gc.ApplyWebhooksAsync("billing_requests.flow_exited", "billing_requests.cancelled");
        await gc.ActiveMandateAsync(client);

        var again = await gc.PayAsync(client, [new(invoice.Id, client.Amount(720_00))]);

        again.SignMandateAt.ShouldBeNull();
        again.PaymentId.ShouldNotBe(first.PaymentId);
        (await gc.PaymentAsync(again.PaymentId)).Status.ShouldBe(PaymentStatus.Pending);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Pending.ShouldBe(client.Amount(720_00));
        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldHaveSingleItem().Amount.ShouldBe(client.Amount(720_00));
    }

    [Fact]
    public async Task A_client_who_left_by_Back_then_signed_a_mandate_elsewhere_pays_with_it_once()
    {
        var (_, gc, client) = await AClientOfAFirmWithBothProvidersAsync();
        var invoice = await app.AnInvoice(client).WithLine("Bookkeeping", 1, 720_00).DueInDays(14).IssuedAsync();
        var first = await gc.PayAsync(client, [new(invoice.Id, client.Amount(720_00))]);
        await gc.ActiveMandateAsync(client);

        var again = await gc.PayAsync(client, [new(invoice.Id, client.Amount(720_00))]);

        again.SignMandateAt.ShouldBeNull();
        (await gc.PaymentAsync(again.PaymentId)).Status.ShouldBe(PaymentStatus.Pending);
        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldHaveSingleItem();
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Pending.ShouldBe(client.Amount(720_00));
        // Whichever attempt carried the collection, no other one is left waiting to collect the invoice again.
        var attempts = new List<Payment>();
        foreach (var id in new[] { first.PaymentId, again.PaymentId }.Distinct())
            attempts.Add(await gc.PaymentAsync(id));
        attempts.Count(p => p.Status == PaymentStatus.Pending).ShouldBe(1);
        attempts.ShouldNotContain(p => p.Status == PaymentStatus.Initiated);
        // The mandate page first opened is closed: it cannot set up a second mandate.
        (await gc.GoCardless.GetBillingRequestAsync(attempts.Single(p => p.Id == first.PaymentId).ProviderCheckoutId!)).Status.ShouldBe(GoCardlessBillingRequestStatus.Cancelled);
    }

    [Fact]
    public async Task Abandoning_a_checkout_the_client_already_paid_changes_nothing()
    {
        var (stripe, _, client) = await AClientOfAFirmWithBothProvidersAsync();
        var invoice = await app.AnInvoice(client).WithLine("Advisory", 1, 45_00).IssuedAsync();
        var checkout = await stripe.StartAsync(client, [new(invoice.Id, client.Amount(45_00))]);
        await stripe.ChooseAsync(checkout, "pay");

        // The client pressed Back after paying, before the webhook was applied.
        (await app.AsClientAsync<PaymentAttempts, bool>(client, attempts => attempts.AbandonAsync(checkout.PaymentId))).ShouldBeFalse();
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted);

        (await stripe.PaymentAsync(checkout.PaymentId)).Status.ShouldBe(PaymentStatus.Succeeded);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
    }

    [Fact]
    public async Task Attempts_left_on_a_provider_page_past_the_timeout_are_abandoned_and_fresh_ones_are_left_alone()
    {
        var (stripe, gc, client) = await AClientOfAFirmWithBothProvidersAsync();
        var first = await app.AnInvoice(client).WithLine("Bookkeeping", 1, 200_00).IssuedAsync();
        var second = await app.AnInvoice(client).WithLine("Payroll", 1, 50_00).IssuedAsync();
        var debit = await gc.PayAsync(client, [new(first.Id, client.Amount(200_00))]);
        var card = await stripe.StartAsync(client, [new(second.Id, client.Amount(50_00))]);
        var sweep = app.Services.GetRequiredService<StaleAttemptSweep>();

        await sweep.AbandonOlderThanAsync(TimeSpan.FromHours(1));
        (await gc.PaymentAsync(debit.PaymentId)).Status.ShouldBe(PaymentStatus.Initiated);
        (await stripe.PaymentAsync(card.PaymentId)).Status.ShouldBe(PaymentStatus.Initiated);

        (await sweep.AbandonOlderThanAsync(TimeSpan.Zero)).ShouldBeGreaterThanOrEqualTo(2);

        var debitAttempt = await gc.PaymentAsync(debit.PaymentId);
        var cardAttempt = await stripe.PaymentAsync(card.PaymentId);
        (debitAttempt.Status, cardAttempt.Status).ShouldBe((PaymentStatus.Cancelled, PaymentStatus.Cancelled));
        (await gc.GoCardless.GetBillingRequestAsync(debitAttempt.ProviderCheckoutId!)).Status.ShouldBe(GoCardlessBillingRequestStatus.Cancelled);
        (await stripe.Stripe.V1.Checkout.Sessions.GetAsync(cardAttempt.ProviderCheckoutId)).Status.ShouldBe("expired");
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }

    [Fact]
    public async Task The_invoice_offers_card_and_direct_debit_and_the_dashboard_offers_prepayment_by_each()
    {
        var (_, _, client) = await AClientOfAFirmWithBothProvidersAsync();
        var invoice = await app.AnInvoice(client).WithLine("Advisory", 1, 90_00).IssuedAsync();
        using var session = await app.SignInAsync(client.Contact);

        var (_, invoicePage) = await session.GetPageAsync($"/portal/invoices/{invoice.Id}");
        var (_, dashboard) = await session.GetPageAsync("/portal");

        var invoiceHtml = WebUtility.HtmlDecode(invoicePage);
        invoiceHtml.ShouldContain($"href=\"/portal/pay?invoice={invoice.Id}\"");
        invoiceHtml.ShouldContain("data-testid=\"pay-by-direct-debit-button\"");
        var dashboardHtml = WebUtility.HtmlDecode(dashboard);
        dashboardHtml.ShouldContain("data-testid=\"prepay-by-card\"");
        dashboardHtml.ShouldContain("data-testid=\"dd-prepay\"");
    }
}
