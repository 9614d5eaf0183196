using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.DirectDebit;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
using Portal.GoCardless;
using Portal.Providers.GoCardless;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;
using Portal.Webhooks;

namespace Portal.Tests.DirectDebit;

public sealed class DirectDebitPaymentTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(DirectDebitDriver GoCardless, TestClient Client)> AConnectedClientAsync()
    {
        var firm = await app.AFirmAsync();
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        return (gc, await app.AClientAsync(firm));
    }

    /// <summary>An invoice paid by direct debit on a new mandate, up to GoCardless's payment created and applied.</summary>
    private async Task<(DirectDebitDriver GoCardless, TestClient Client, Invoice Invoice, Guid PaymentId)> AScheduledDirectDebitAsync(long amount = 240_00)
    {
        var (gc, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Monthly bookkeeping", 1, amount).DueInDays(20).IssuedAsync();
        var started = await gc.PayAsync(client, [new(invoice.Id, client.Amount(amount))]);
        await gc.ApproveAsync(started.SignMandateAt.ShouldNotBeNull(), "approve_active");
        await gc.ApplyWebhooksAsync("billing_requests.fulfilled", "payments.created");
        return (gc, client, invoice, started.PaymentId);
    }

    [Fact]
    public async Task First_direct_debit_signs_a_mandate_on_the_hosted_flow_and_pays_the_invoice_only_once_confirmed()
    {
        var (gc, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).DueInDays(20).IssuedAsync();

        var started = await gc.PayAsync(client, [new(invoice.Id, client.Amount(480_00))]);
        (await gc.PaymentAsync(started.PaymentId)).Status.ShouldBe(PaymentStatus.Initiated);
        var backTo = await gc.ApproveAsync(started.SignMandateAt.ShouldNotBeNull());
        await gc.ApplyWebhooksAsync("billing_requests.fulfilled", "payments.created");

        backTo!.AbsolutePath.ShouldBe("/portal/direct-debit/return");
        var mandate = (await gc.MandatesAsync(client)).ShouldHaveSingleItem();
        (mandate.Currency, mandate.Scheme, mandate.IsUsable).ShouldBe((client.Currency, "sepa_core", true));
        mandate.AccountNumberEnding.ShouldNotBeNull().Length.ShouldBeLessThanOrEqualTo(4);
        var scheduled = await gc.PaymentAsync(started.PaymentId);
        scheduled.Status.ShouldBe(PaymentStatus.Pending);
        var gcPayment = await gc.GoCardless.GetPaymentAsync(scheduled.ProviderPaymentId!);
        gcPayment.ChargeDate.ShouldBeGreaterThanOrEqualTo(invoice.DueDate);
        gcPayment.Amount.ShouldBe(client.Amount(480_00));
        var pending = await app.InvoiceAsync(client.Firm, invoice.Id);
        (pending.Status, pending.Pending).ShouldBe((InvoiceStatus.Open, client.Amount(480_00)));

        await gc.RunScenarioAsync("payment_confirmed", scheduled.ProviderPaymentId!);
        await gc.ApplyWebhooksAsync("payments.confirmed");

        (await gc.PaymentAsync(started.PaymentId)).Status.ShouldBe(PaymentStatus.Succeeded);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        var ledger = await app.LedgerShouldBeConsistentAsync(client.Firm);
        ledger.Balance(DirectDebitDriver.Clearing, client.Currency).ShouldBe(client.Amount(480_00));
        ledger.AmountDue(invoice.Id, client.Currency).ShouldBe(client.Amount(0));
    }

    [Fact]
    public async Task Coming_back_to_pay_after_leaving_the_hosted_flow_resumes_the_same_payment_and_billing_request()
    {
        var (gc, client) = await AConnectedClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Quarterly VAT", 1, 75_00).IssuedAsync();

        var first = await gc.PayAsync(client, [new(invoice.Id, client.Amount(75_00))]);
        var second = await gc.PayAsync(client, [new(invoice.Id, client.Amount(75_00))]);
        await gc.ApproveAsync(second.SignMandateAt.ShouldNotBeNull(), "approve_active");
        await gc.ApplyWebhooksAsync("billing_requests.fulfilled", "payments.created");

        second.PaymentId.ShouldBe(first.PaymentId);
        (await gc.GoCardless.ListBillingRequestsAsync().ToListAsync()).ShouldHaveSingleItem();
        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldHaveSingleItem();
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Pending.ShouldBe(client.Amount(75_00));
    }

    [Fact]
    public async Task A_confirmation_whose_webhook_never_arrived_is_found_by_reconciliation_and_applied_once()
    {
        var (gc, client, invoice, paymentId) = await AScheduledDirectDebitAsync(95_00);
        await gc.RunScenarioAsync("payment_confirmed", await gc.ProviderPaymentIdAsync(paymentId));
        await WaitForInboxAsync("payments.confirmed");
        await using (var db = app.OpenDb())
            await db.WebhookEvents.IgnoreQueryFilters().Where(e => e.Type == "payments.confirmed").ExecuteDeleteAsync();

        var reconciliation = () => app.AsProviderForAsync<GoCardlessEventReconciliation, int>(client.Firm, r => r.ReconcileAsync());
        var found = await reconciliation();
        var again = await reconciliation();
        await gc.ApplyWebhooksAsync("payments.confirmed");

        (found, again).ShouldBe((1, 0));
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        (await app.LedgerShouldBeConsistentAsync(client.Firm)).Balance(DirectDebitDriver.Clearing, client.Currency).ShouldBe(client.Amount(95_00));
    }

    private async Task WaitForInboxAsync(string type)
    {
        for (var waited = 0; !(await app.InboxAsync()).Any(e => e.Type == type); waited += 50)
        {
            waited.ShouldBeLessThan(15_000, $"{type} never arrived");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Paid_out_settles_the_payment_and_the_payout_books_bank_and_fees()
    {
        var (gc, client, invoice, paymentId) = await AScheduledDirectDebitAsync(300_00);
        var providerId = await gc.ProviderPaymentIdAsync(paymentId);

        await gc.RunScenarioAsync("payment_paid_out", providerId);
        await gc.ApplyWebhooksAsync("payments.confirmed", "payments.paid_out", "payouts.paid");

        var payment = await gc.PaymentAsync(paymentId);
        payment.Status.ShouldBe(PaymentStatus.Settled);
        var payout = await gc.GoCardless.GetPayoutAsync((await gc.GoCardless.GetPaymentAsync(providerId)).Links.Payout!);
        var ledger = await app.LedgerShouldBeConsistentAsync(client.Firm);
        ledger.Balance(Portal.Domain.Ledger.LedgerAccount.Bank, client.Currency).ShouldBe(payout.Amount);
        ledger.Balance(Portal.Domain.Ledger.LedgerAccount.Fees(PaymentProvider.GoCardless), client.Currency).ShouldBe(payout.DeductedFees);
        ledger.Balance(DirectDebitDriver.Clearing, client.Currency).ShouldBe(client.Amount(0));
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
    }

    [Fact]
    public async Task Second_invoice_with_a_usable_mandate_is_collected_on_its_due_date_without_the_hosted_flow_and_never_twice()
    {
        var (gc, client) = await AConnectedClientAsync();
        await gc.ActiveMandateAsync(client);
        var invoice = await app.AnInvoice(client).WithLine("Payroll", 1, 90_00).DueInDays(30).IssuedAsync();

        var started = await gc.PayAsync(client, [new(invoice.Id, client.Amount(90_00))], requestKey: "same-click");
        var again = await gc.PayAsync(client, [new(invoice.Id, client.Amount(90_00))], requestKey: "same-click");
        var secondCollection = await Should.ThrowAsync<DomainException>(() => gc.PayAsync(client, [new(invoice.Id, client.Amount(90_00))]));

        started.SignMandateAt.ShouldBeNull();
        // Collected on the due date, or on the next working day when the due date falls on a weekend.
        started.ChargeDate.ShouldBe(BankingDays.FirstWorkingDayOnOrAfter(invoice.DueDate));
        again.PaymentId.ShouldBe(started.PaymentId);
        secondCollection.Message.ShouldNotBeNullOrEmpty();
        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldHaveSingleItem().ChargeDate.ShouldBe(started.ChargeDate!.Value);
        (await gc.PaymentAsync(started.PaymentId)).Status.ShouldBe(PaymentStatus.Pending);
    }

    [Fact]
    public async Task Forged_webhook_is_refused_with_498_and_nothing_is_stored()
    {
        var (gc, _, _, paymentId) = await AScheduledDirectDebitAsync();
        var before = (await app.InboxAsync()).Count;

        var forged = await gc.PostEventsAsync(DirectDebitDriver.Delivery(DirectDebitDriver.PaymentEvent("confirmed", await gc.ProviderPaymentIdAsync(paymentId))), secret: "not-the-secret");

        ((int)forged.StatusCode).ShouldBe(498);
        (await app.InboxAsync()).Count.ShouldBe(before);
        (await gc.PaymentAsync(paymentId)).Status.ShouldBe(PaymentStatus.Pending);
    }

    [Fact]
    public async Task Duplicate_event_is_stored_and_applied_once()
    {
        var (gc, client, invoice, paymentId) = await AScheduledDirectDebitAsync(150_00);
        var confirmed = DirectDebitDriver.PaymentEvent("confirmed", await gc.ProviderPaymentIdAsync(paymentId));

        var first = await gc.PostEventsAsync(DirectDebitDriver.Delivery(confirmed));
        var second = await gc.PostEventsAsync(DirectDebitDriver.Delivery(confirmed.DeepClone().AsObject()));
        await gc.ApplyWebhooksAsync("payments.confirmed");

        (first.StatusCode, second.StatusCode).ShouldBe((HttpStatusCode.NoContent, HttpStatusCode.NoContent));
        (await app.InboxAsync()).Count(e => e.Type == "payments.confirmed").ShouldBe(1);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        (await app.LedgerShouldBeConsistentAsync(client.Firm)).Balance(DirectDebitDriver.Clearing, client.Currency).ShouldBe(client.Amount(150_00));
    }

    [Fact]
    public async Task Failure_with_a_retry_coming_stays_pending_and_a_final_failure_reopens_the_invoice()
    {
        var (gc, client, invoice, paymentId) = await AScheduledDirectDebitAsync(120_00);
        var providerId = await gc.ProviderPaymentIdAsync(paymentId);

        (await gc.PostEventsAsync(DirectDebitDriver.Delivery(DirectDebitDriver.PaymentEvent("failed", providerId, willAttemptRetry: true)))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await gc.ApplyWebhooksAsync("payments.failed");

        (await gc.PaymentAsync(paymentId)).Status.ShouldBe(PaymentStatus.Pending);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Pending.ShouldBe(client.Amount(120_00));

        await gc.RunScenarioAsync("payment_failed", providerId);
        await gc.ApplyWebhooksAsync("payments.failed", "payments.failed");

        var failed = await gc.PaymentAsync(paymentId);
        failed.Status.ShouldBe(PaymentStatus.Failed);
        failed.FailureReason.ShouldNotBeNull().ShouldContain("insufficient_funds");
        var reopened = await app.InvoiceAsync(client.Firm, invoice.Id);
        (reopened.Status, reopened.Pending, reopened.AmountDue).ShouldBe((InvoiceStatus.Open, client.Amount(0), client.Amount(120_00)));
        (await app.LedgerShouldBeConsistentAsync(client.Firm)).Balance(DirectDebitDriver.Clearing, client.Currency).ShouldBe(client.Amount(0));
    }

    [Fact]
    public async Task Charge_back_after_payment_reverses_it_reopens_the_invoice_and_flags_it()
    {
        var (gc, client, invoice, paymentId) = await AScheduledDirectDebitAsync(200_00);
        var providerId = await gc.ProviderPaymentIdAsync(paymentId);
        await gc.RunScenarioAsync("payment_confirmed", providerId);
        await gc.ApplyWebhooksAsync("payments.confirmed");
        (await app.InvoiceAsync(client.Firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);

        await gc.RunScenarioAsync("payment_charged_back", providerId);
        await gc.ApplyWebhooksAsync("payments.charged_back");

        var reversed = await gc.PaymentAsync(paymentId);
        (reversed.Status, reversed.ReversalReason).ShouldBe((PaymentStatus.Reversed, ReversalReason.Chargeback));
        var reopened = await app.InvoiceAsync(client.Firm, invoice.Id);
        (reopened.Status, reopened.AmountDue).ShouldBe((InvoiceStatus.Open, client.Amount(200_00)));
        var ledger = await app.LedgerShouldBeConsistentAsync(client.Firm);
        ledger.AmountDue(invoice.Id, client.Currency).ShouldBe(client.Amount(200_00));
    }

    [Fact]
    public async Task Late_failure_after_confirmation_reverses_the_payment_once()
    {
        var (gc, client, invoice, paymentId) = await AScheduledDirectDebitAsync(80_00);
        var providerId = await gc.ProviderPaymentIdAsync(paymentId);

        await gc.RunScenarioAsync("payment_late_failure", providerId);
        await gc.ApplyWebhooksAsync("payments.confirmed", "payments.paid_out", "payments.failed", "payments.late_failure_settled");

        (await gc.PaymentAsync(paymentId)).Status.ShouldBe(PaymentStatus.Reversed);
        (await app.InvoiceAsync(client.Firm, invoice.Id)).AmountDue.ShouldBe(client.Amount(80_00));
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }

    [Fact]
    public async Task Mandate_cancelled_at_the_bank_is_no_longer_offered_and_the_next_payment_asks_for_a_new_one()
    {
        var (gc, client) = await AConnectedClientAsync();
        var mandate = await gc.ActiveMandateAsync(client);

        await gc.RunScenarioAsync("mandate_cancelled", mandate.MandateId);
        await gc.ApplyWebhooksAsync("mandates.cancelled");

        (await gc.MandatesAsync(client)).ShouldHaveSingleItem().Status.ShouldBe(MandateStatus.Cancelled);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 50_00).IssuedAsync();
        (await gc.PayAsync(client, [new(invoice.Id, client.Amount(50_00))])).SignMandateAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_replaced_mandate_hands_over_to_its_successor_which_is_charged_from_then_on()
    {
        var (gc, client) = await AConnectedClientAsync();
        var original = await gc.ActiveMandateAsync(client);
        var request = await gc.GoCardless.CreateBillingRequestAsync(new NewBillingRequest(new NewMandateRequest(client.Currency)), Guid.NewGuid().ToString("N"));
        var flow = await gc.GoCardless.CreateBillingRequestFlowAsync(new NewBillingRequestFlow(request.Id, new Uri("https://bank.example/done"), new Uri("https://bank.example/exit")), Guid.NewGuid().ToString("N"));
        await gc.ApproveAsync(flow.AuthorisationUrl!, "approve_active");
        var successorId = (await gc.GoCardless.GetBillingRequestAsync(request.Id)).Links.MandateRequestMandate!;
        var replaced = new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = "EV" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant(),
            ["created_at"] = new TestClock().GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
            ["resource_type"] = "mandates",
            ["action"] = "replaced",
            ["links"] = new System.Text.Json.Nodes.JsonObject { ["mandate"] = original.MandateId, ["new_mandate"] = successorId },
            ["details"] = new System.Text.Json.Nodes.JsonObject { ["origin"] = "gocardless", ["cause"] = "mandate_replaced", ["description"] = "Moved to a new bank account." },
        };

        (await gc.PostEventsAsync(DirectDebitDriver.Delivery(replaced))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await gc.ApplyWebhooksAsync("mandates.replaced");

        var mandates = await gc.MandatesAsync(client);
        mandates.Single(m => m.MandateId == original.MandateId).IsUsable.ShouldBeFalse();
        mandates.Single(m => m.MandateId == successorId).IsUsable.ShouldBeTrue();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 40_00).IssuedAsync();
        (await gc.PayAsync(client, [new(invoice.Id, client.Amount(40_00))])).SignMandateAt.ShouldBeNull();
        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldHaveSingleItem().Links.Mandate.ShouldBe(successorId);
    }

    [Fact]
    public async Task Client_cancelling_the_mandate_ends_it_at_gocardless_and_here()
    {
        var (gc, client) = await AConnectedClientAsync();
        var mandate = await gc.ActiveMandateAsync(client);

        await app.AsClientAsync<DirectDebitPayments, bool>(client, async dd => { await dd.CancelMandateAsync(mandate.MandateId); return true; });
        await gc.ApplyWebhooksAsync("mandates.cancelled");

        (await gc.GoCardless.GetMandateAsync(mandate.MandateId)).Status.ShouldBe(GoCardlessMandateStatus.Cancelled);
        (await gc.MandatesAsync(client)).ShouldHaveSingleItem().IsUsable.ShouldBeFalse();
    }

    [Fact]
    public async Task Prepayment_by_direct_debit_becomes_credit_once_confirmed()
    {
        var (gc, client) = await AConnectedClientAsync();
        await gc.ActiveMandateAsync(client);

        var started = await gc.PayAsync(client, [], client.Amount(100_00));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(0));
        await gc.RunScenarioAsync("payment_confirmed", await gc.ProviderPaymentIdAsync(started.PaymentId));
        await gc.ApplyWebhooksAsync("payments.created", "payments.confirmed");

        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(100_00));
    }

    [Fact]
    public async Task Connecting_and_testing_names_the_creditor_and_keeps_only_masked_secrets()
    {
        var firm = await app.AFirmAsync();
        await DirectDebitDriver.ConnectAsync(app, firm);

        var check = await app.AsStaffOfAsync<GoCardlessConnector, GoCardlessConnectionCheckResult>(firm, connector => connector.TestAsync());

        check.IsWorking.ShouldBeTrue(check.Problem);
        check.CreditorId.ShouldNotBeNull().ShouldStartWith("CR");
        var stored = (await app.StoredConnectionAsync(firm, PaymentProvider.GoCardless)).ShouldNotBeNull();
        (stored.AccountId, stored.LastVerifiedAt.HasValue).ShouldBe((check.CreditorId, true));
        stored.ApiSecretHint.ShouldNotContain(DirectDebitDriver.WebhookSecret);
        stored.ApiSecretProtected.ShouldNotContain("sandbox_");
        stored.WebhookSecretProtected.ShouldNotContain(DirectDebitDriver.WebhookSecret);
        await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<GoCardlessConnector>(firm,
            connector => connector.ConnectAsync(new GoCardlessConnectionInput(Portal.Integrations.ProviderMode.Sandbox, "live_AbCdEfGhIjKlMnOpQr", null))));
    }

    [Fact]
    public async Task Testing_the_connection_gives_a_firm_without_one_the_SEPA_creditor_identifier_GoCardless_collects_under_and_a_firms_own_stays()
    {
        var firm = await app.AFirmAsync();
        var stated = await app.AFirmAsync();
        await app.AsStaffOfAsync<Portal.Firms.FirmIdentitySettings>(stated, s => s.SaveAsync(new Portal.Domain.Firms.FirmLegalIdentity(SepaCreditorId: "FR72ZZZ123456")));
        await DirectDebitDriver.ConnectAsync(app, firm);
        await DirectDebitDriver.ConnectAsync(app, stated);

        var check = await app.AsStaffOfAsync<GoCardlessConnector, GoCardlessConnectionCheckResult>(firm, connector => connector.TestAsync());
        await app.AsStaffOfAsync<GoCardlessConnector, GoCardlessConnectionCheckResult>(stated, connector => connector.TestAsync());

        // The sandbox's creditor collects SEPA debits under an identifier of its own, whose check digits hold.
        var fromGoCardless = check.SepaCreditorId.ShouldNotBeNull();
        Portal.Domain.Firms.BankIdentifiers.NormalizeSepaCreditorId(fromGoCardless).ShouldBe(fromGoCardless);
        await using (var db = app.OpenDb(firm.Id))
        {
            (await db.Firms.SingleAsync()).SepaCreditorId.ShouldBe(fromGoCardless);
            (await db.AuditEntries.SingleAsync(a => a.Action == "SEPA creditor identifier taken from GoCardless")).After.ShouldBe(fromGoCardless);
        }
        await using (var db = app.OpenDb(stated.Id))
            (await db.Firms.SingleAsync()).SepaCreditorId.ShouldBe("FR72ZZZ123456");
    }
}
