using System.Net;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using Stripe.Checkout;
using Portal.Tests.Fixture;

namespace Portal.Tests.Sandbox.Stripe;

public sealed class StripeCheckoutTests
{
    [Fact]
    public async Task Paying_on_the_hosted_page_completes_the_session_and_sends_a_signed_completed_event()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var session = await bed.CreateSessionAsync(amount: 12_345, currency: "eur", invoiceId: "42");

        session.Status.ShouldBe("open");
        session.PaymentStatus.ShouldBe("unpaid");
        session.AmountTotal.ShouldBe(12_345);
        session.Url.ShouldBe($"{bed.Sandbox.BaseUrl}sandbox/stripe/pay/{session.Id}");
        var page = await bed.Browser.GetStringAsync(session.Url);
        page.ShouldContain("SANDBOX");
        page.ShouldContain("123.45 EUR");
        page.ShouldContain("Invoice INV-42");

        using var response = await bed.ChooseOnHostedPageAsync(session, "pay");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe($"https://portal.example.test/pay/success?session_id={session.Id}");
        var completed = await bed.WebhookEventAsync(EventTypes.CheckoutSessionCompleted);
        completed.ApiVersion.ShouldBe(StripeConfiguration.ApiVersion);
        var paid = completed.Data.Object.ShouldBeOfType<Session>();
        paid.Id.ShouldBe(session.Id);
        paid.Status.ShouldBe("complete");
        paid.PaymentStatus.ShouldBe("paid");
        paid.Metadata["invoice_id"].ShouldBe("42");
        paid.ClientReferenceId.ShouldBe("invoice-42");
        paid.PaymentIntentId.ShouldNotBeNull();

        var intent = await bed.Client.V1.PaymentIntents.GetAsync(
            paid.PaymentIntentId, new PaymentIntentGetOptions { Expand = ["latest_charge.balance_transaction"] });
        intent.Status.ShouldBe("succeeded");
        intent.AmountReceived.ShouldBe(12_345);
        intent.Metadata["invoice_id"].ShouldBe("42");
        intent.LatestCharge.Status.ShouldBe("succeeded");
        intent.LatestCharge.Metadata["invoice_id"].ShouldBe("42");
        var balance = intent.LatestCharge.BalanceTransaction;
        balance.Amount.ShouldBe(12_345);
        balance.Fee.ShouldBe(210); // 1.5% of 123.45 = 1.85, plus 0.25
        balance.Net.ShouldBe(12_135);
        balance.FeeDetails.ShouldHaveSingleItem().Type.ShouldBe("stripe_fee");

        var charge = await bed.Client.V1.Charges.GetAsync(intent.LatestChargeId);
        (await bed.Client.V1.BalanceTransactions.GetAsync(charge.BalanceTransactionId)).Fee.ShouldBe(210);
        await bed.WebhookEventAsync(EventTypes.PaymentIntentSucceeded, e => ((PaymentIntent)e.Data.Object).Id == intent.Id);
        await bed.WebhookEventAsync(EventTypes.ChargeSucceeded);
    }

    [Fact]
    public async Task Fees_outside_eur_and_gbp_are_higher()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var session = await bed.PaidSessionAsync(amount: 10_000, currency: "usd");

        var intent = await bed.Client.V1.PaymentIntents.GetAsync(
            session.PaymentIntentId, new PaymentIntentGetOptions { Expand = ["latest_charge.balance_transaction"] });

        intent.LatestCharge.BalanceTransaction.Fee.ShouldBe(320); // 2.9% + 0.30
        intent.LatestCharge.BalanceTransaction.Net.ShouldBe(9_680);
    }

    [Fact]
    public async Task A_declined_card_keeps_the_session_open_and_reports_the_failure()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var session = await bed.CreateSessionAsync();

        using var declined = await bed.ChooseOnHostedPageAsync(session, "decline");

        declined.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await declined.Content.ReadAsStringAsync()).ShouldContain("Your card was declined.");
        var failed = await bed.WebhookEventAsync(EventTypes.PaymentIntentPaymentFailed);
        var failedIntent = failed.Data.Object.ShouldBeOfType<PaymentIntent>();
        failedIntent.Status.ShouldBe("requires_payment_method");
        failedIntent.LastPaymentError.DeclineCode.ShouldBe("generic_decline");
        var stillOpen = await bed.Client.V1.Checkout.Sessions.GetAsync(session.Id);
        stillOpen.Status.ShouldBe("open");
        stillOpen.PaymentStatus.ShouldBe("unpaid");

        using var retried = await bed.ChooseOnHostedPageAsync(session, "pay");

        retried.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var completed = (Session)(await bed.WebhookEventAsync(EventTypes.CheckoutSessionCompleted)).Data.Object;
        completed.PaymentIntentId.ShouldBe(failedIntent.Id);
        completed.PaymentStatus.ShouldBe("paid");
    }

    [Fact]
    public async Task A_delayed_method_completes_unpaid_then_succeeds_when_the_bank_answers()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var session = await bed.CreateSessionAsync();

        using var response = await bed.ChooseOnHostedPageAsync(session, "delayed_success");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var completed = (Session)(await bed.WebhookEventAsync(EventTypes.CheckoutSessionCompleted)).Data.Object;
        completed.Status.ShouldBe("complete");
        completed.PaymentStatus.ShouldBe("unpaid");
        (await bed.Client.V1.PaymentIntents.GetAsync(completed.PaymentIntentId)).Status.ShouldBe("processing");

        await bed.Control.PostAsync($"checkout_sessions/{session.Id}/settle");

        var succeeded = (Session)(await bed.WebhookEventAsync(EventTypes.CheckoutSessionAsyncPaymentSucceeded)).Data.Object;
        succeeded.PaymentStatus.ShouldBe("paid");
        var intent = await bed.Client.V1.PaymentIntents.GetAsync(
            completed.PaymentIntentId, new PaymentIntentGetOptions { Expand = ["latest_charge.balance_transaction"] });
        intent.Status.ShouldBe("succeeded");
        intent.LatestCharge.PaymentMethodDetails.Type.ShouldBe("sepa_debit");
        intent.LatestCharge.BalanceTransaction.Fee.ShouldBe(210);
    }

    [Fact]
    public async Task A_delayed_method_that_fails_sends_async_payment_failed()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var session = await bed.CreateSessionAsync();

        using var response = await bed.ChooseOnHostedPageAsync(session, "delayed_failure");
        await bed.WebhookEventAsync(EventTypes.CheckoutSessionCompleted);
        await bed.Control.PostAsync($"checkout_sessions/{session.Id}/settle");

        var failed = (Session)(await bed.WebhookEventAsync(EventTypes.CheckoutSessionAsyncPaymentFailed)).Data.Object;
        failed.Status.ShouldBe("complete");
        failed.PaymentStatus.ShouldBe("unpaid");
        var intent = await bed.Client.V1.PaymentIntents.GetAsync(failed.PaymentIntentId, new PaymentIntentGetOptions { Expand = ["latest_charge"] });
        intent.Status.ShouldBe("requires_payment_method");
        intent.LatestCharge.Status.ShouldBe("failed");
        intent.LatestCharge.BalanceTransactionId.ShouldBeNull();
    }

    [Fact]
    public async Task The_demo_ticker_settles_delayed_methods_by_itself()
    {
        var clock = new FakeTimeProvider(new TestClock().GetUtcNow());
        await using var bed = await StripeTestbed.StartAsync(o => o.DemoTicker = true, clock);
        var session = await bed.CreateSessionAsync();
        using var response = await bed.ChooseOnHostedPageAsync(session, "delayed_success");
        await bed.WebhookEventAsync(EventTypes.CheckoutSessionCompleted);

        clock.Advance(TimeSpan.FromSeconds(6));

        (await bed.WebhookEventAsync(EventTypes.CheckoutSessionAsyncPaymentSucceeded)).Data.Object.ShouldBeOfType<Session>().PaymentStatus.ShouldBe("paid");
    }

    [Fact]
    public async Task Cancelling_on_the_hosted_page_returns_to_the_cancel_url_and_changes_nothing()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var session = await bed.CreateSessionAsync();

        using var response = await bed.ChooseOnHostedPageAsync(session, "cancel");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe("https://portal.example.test/pay/cancelled");
        var after = await bed.Client.V1.Checkout.Sessions.GetAsync(session.Id);
        after.Status.ShouldBe("open");
        after.PaymentIntentId.ShouldBeNull();
    }

    [Fact]
    public async Task Expiring_a_session_sends_expired_and_closes_the_hosted_page()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var session = await bed.CreateSessionAsync();

        var expired = await bed.Client.V1.Checkout.Sessions.ExpireAsync(session.Id);

        expired.Status.ShouldBe("expired");
        expired.Url.ShouldBeNull();
        (await bed.WebhookEventAsync(EventTypes.CheckoutSessionExpired)).Data.Object.ShouldBeOfType<Session>().Id.ShouldBe(session.Id);
        using var late = await bed.ChooseOnHostedPageAsync(session, "pay");
        late.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var again = await Should.ThrowAsync<StripeException>(() => bed.Client.V1.Checkout.Sessions.ExpireAsync(session.Id));
        again.HttpStatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_session_expires_when_the_clock_passes_expires_at()
    {
        var clock = new FakeTimeProvider(new TestClock().GetUtcNow());
        await using var bed = await StripeTestbed.StartAsync(clock: clock);
        var options = StripeTestbed.SessionOptions();
        options.ExpiresAt = clock.GetUtcNow().UtcDateTime.AddHours(1);
        var session = await bed.Client.V1.Checkout.Sessions.CreateAsync(options);

        clock.Advance(TimeSpan.FromMinutes(61));

        (await bed.Client.V1.Checkout.Sessions.GetAsync(session.Id)).Status.ShouldBe("expired");
        await bed.WebhookEventAsync(EventTypes.CheckoutSessionExpired);
    }

    [Fact]
    public async Task Expires_at_outside_thirty_minutes_to_a_day_is_refused()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var options = StripeTestbed.SessionOptions();
        options.ExpiresAt = bed.Clock.GetUtcNow().UtcDateTime.AddMinutes(5);

        var error = await Should.ThrowAsync<StripeException>(() => bed.Client.V1.Checkout.Sessions.CreateAsync(options));

        error.StripeError.Param.ShouldBe("expires_at");
    }

    [Fact]
    public async Task Payment_method_types_is_refused_as_no_longer_supported()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var options = StripeTestbed.SessionOptions();
        options.AddExtraParam("payment_method_types[0]", "card");

        var error = await Should.ThrowAsync<StripeException>(() => bed.Client.V1.Checkout.Sessions.CreateAsync(options));

        error.HttpStatusCode.ShouldBe(HttpStatusCode.BadRequest);
        error.StripeError.Code.ShouldBe("payment_method_types_no_longer_supported");
    }

    [Fact]
    public async Task A_card_saved_at_checkout_can_be_charged_off_session()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var customer = await bed.Client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "payer@example.test", Name = "Payer" });
        var options = StripeTestbed.SessionOptions();
        options.Customer = customer.Id;
        options.PaymentIntentData.SetupFutureUsage = "off_session";
        var session = await bed.Client.V1.Checkout.Sessions.CreateAsync(options);
        using (await bed.ChooseOnHostedPageAsync(session, "pay"))
        {
        }

        var firstIntent = await bed.Client.V1.PaymentIntents.GetAsync((await bed.Client.V1.Checkout.Sessions.GetAsync(session.Id)).PaymentIntentId);
        var saved = await bed.Client.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer.Id });
        saved.Data.ShouldHaveSingleItem().Id.ShouldBe(firstIntent.PaymentMethodId);

        var offSession = await bed.Client.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 5_000,
            Currency = "eur",
            Customer = customer.Id,
            PaymentMethod = firstIntent.PaymentMethodId,
            OffSession = true,
            Confirm = true,
            Metadata = new Dictionary<string, string> { ["invoice_id"] = "43" },
        });

        offSession.Status.ShouldBe("succeeded");
        offSession.AmountReceived.ShouldBe(5_000);
        (await bed.WebhookEventAsync(EventTypes.PaymentIntentSucceeded, e => ((PaymentIntent)e.Data.Object).Id == offSession.Id))
            .Data.Object.ShouldBeOfType<PaymentIntent>().Metadata["invoice_id"].ShouldBe("43");
    }

    [Fact]
    public async Task An_off_session_charge_on_a_declining_card_answers_402_with_the_payment_intent()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var customer = await bed.Client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "payer@example.test" });

        var error = await Should.ThrowAsync<StripeException>(() => bed.Client.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 5_000,
            Currency = "eur",
            Customer = customer.Id,
            PaymentMethod = "pm_card_chargeDeclinedInsufficientFunds",
            OffSession = true,
            Confirm = true,
        }));

        error.HttpStatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
        error.StripeError.Type.ShouldBe("card_error");
        error.StripeError.Code.ShouldBe("card_declined");
        error.StripeError.DeclineCode.ShouldBe("insufficient_funds");
        error.StripeError.PaymentIntent.Status.ShouldBe("requires_payment_method");
        await bed.WebhookEventAsync(EventTypes.PaymentIntentPaymentFailed);
    }
}
