using System.Net;
using Portal.Domain;
using Portal.Providers.PayPal.Api;

namespace Portal.Tests.Sandbox.PayPal;

public sealed class PayPalOrderTests
{
    [Fact]
    public async Task Order_approved_by_the_payer_is_captured_with_paypals_fee_and_our_payment_id()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var paymentId = Guid.NewGuid().ToString();
        var amount = new Money(12_345, Currency.EUR);

        var order = await bed.CreateOrderAsync(amount, paymentId);
        order.Status.ShouldBe(PayPalOrderStatus.PayerActionRequired);
        order.ApproveUrl.ShouldNotBeNull();
        order.PurchaseUnits.ShouldHaveSingleItem().CustomId.ShouldBe(paymentId);
        order.PurchaseUnits[0].Amount!.ToMoney().ShouldBe(amount);

        using var approved = await bed.ChooseOnApprovalPageAsync(order, "approve");
        approved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var back = approved.Headers.Location!.ToString();
        back.ShouldStartWith(PayPalTestbed.ReturnUrl.ToString());
        back.ShouldContain($"token={order.Id}");
        (await bed.Client.GetOrderAsync(order.Id)).Status.ShouldBe(PayPalOrderStatus.Approved);

        var captured = await bed.Client.CaptureOrderAsync(order.Id, Guid.NewGuid().ToString());

        captured.Status.ShouldBe(PayPalOrderStatus.Completed);
        var capture = captured.Captures.ShouldHaveSingleItem();
        capture.Status.ShouldBe(PayPalCaptureStatus.Completed);
        capture.CustomId.ShouldBe(paymentId);
        var read = await bed.Client.GetCaptureAsync(capture.Id);
        var breakdown = read.SellerReceivableBreakdown.ShouldNotBeNull();
        breakdown.GrossAmount!.ToMoney().ShouldBe(amount);
        var fee = breakdown.PaypalFee!.ToMoney();
        fee.IsPositive.ShouldBeTrue();
        (fee + breakdown.NetAmount!.ToMoney()).ShouldBe(amount);
    }

    [Fact]
    public async Task Capturing_twice_with_the_same_request_id_captures_once()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var order = await bed.ApprovedOrderAsync(new Money(5_000, Currency.USD));
        var requestId = Guid.NewGuid().ToString();

        var first = await bed.Client.CaptureOrderAsync(order.Id, requestId);
        var second = await bed.Client.CaptureOrderAsync(order.Id, requestId);

        second.Captures.ShouldHaveSingleItem().Id.ShouldBe(first.Captures.Single().Id);
        (await bed.Client.GetOrderAsync(order.Id)).Captures.ShouldHaveSingleItem();
        var again = await Should.ThrowAsync<PayPalApiException>(() => bed.Client.CaptureOrderAsync(order.Id, Guid.NewGuid().ToString()));
        again.HasIssue("ORDER_ALREADY_CAPTURED").ShouldBeTrue(again.Message);
    }

    [Fact]
    public async Task A_capture_whose_answer_is_lost_or_failed_is_retried_under_its_request_id_and_happens_once()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var order = await bed.ApprovedOrderAsync(new Money(7_500, Currency.GBP));
        await bed.Control.InjectFaultAsync("drop_response", count: 1, pathContains: "/capture");
        await bed.Control.InjectFaultAsync("server_error", count: 1, pathContains: "/capture");

        var captured = await bed.Client.CaptureOrderAsync(order.Id, Guid.NewGuid().ToString());

        captured.Captures.ShouldHaveSingleItem().Status.ShouldBe(PayPalCaptureStatus.Completed);
        (await bed.Client.GetOrderAsync(order.Id)).Captures.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Rate_limited_call_waits_for_retry_after_and_succeeds()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var order = await bed.CreateOrderAsync(new Money(900, Currency.EUR));
        await bed.Control.InjectFaultAsync("rate_limit", count: 1, method: "GET", pathContains: order.Id);

        var read = await bed.Client.GetOrderAsync(order.Id);

        read.Id.ShouldBe(order.Id);
    }

    [Fact]
    public async Task Same_request_id_creates_one_order()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var requestId = Guid.NewGuid().ToString();
        var request = PayPalTestbed.AnOrder(new Money(4_200, Currency.EUR));

        var first = await bed.Client.CreateOrderAsync(request, requestId);
        var second = await bed.Client.CreateOrderAsync(request, requestId);

        second.Id.ShouldBe(first.Id);
    }

    [Fact]
    public async Task Capture_before_the_payer_approves_is_refused()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var order = await bed.CreateOrderAsync(new Money(1_000, Currency.EUR));

        var refused = await Should.ThrowAsync<PayPalApiException>(() => bed.Client.CaptureOrderAsync(order.Id, Guid.NewGuid().ToString()));

        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        refused.HasIssue("ORDER_NOT_APPROVED").ShouldBeTrue(refused.Message);
        refused.DebugId.ShouldNotBeNullOrEmpty();
        (await bed.Client.GetOrderAsync(order.Id)).Captures.ShouldBeEmpty();
    }

    [Fact]
    public async Task Payer_who_cancels_returns_to_the_cancel_url_and_the_order_stays_unapproved()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var order = await bed.CreateOrderAsync(new Money(1_000, Currency.EUR));

        using var cancelled = await bed.ChooseOnApprovalPageAsync(order, "cancel");

        cancelled.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        cancelled.Headers.Location!.ToString().ShouldBe($"{PayPalTestbed.CancelUrl}?token={order.Id}");
        (await bed.Client.GetOrderAsync(order.Id)).Status.ShouldBe(PayPalOrderStatus.PayerActionRequired);
    }

    [Fact]
    public async Task Pending_capture_has_no_fee_until_paypal_completes_it()
    {
        await using var bed = await PayPalTestbed.StartAsync();

        var capture = await bed.CapturedAsync(new Money(30_000, Currency.EUR), "approve_pending");

        capture.Status.ShouldBe(PayPalCaptureStatus.Pending);
        capture.StatusDetails!.Reason.ShouldBe("PENDING_REVIEW");
        capture.SellerReceivableBreakdown.ShouldBeNull();
        await bed.Control.PostAsync($"captures/{capture.Id}/complete");
        var completed = await bed.Client.GetCaptureAsync(capture.Id);
        completed.Status.ShouldBe(PayPalCaptureStatus.Completed);
        completed.SellerReceivableBreakdown!.PaypalFee!.ToMoney().IsPositive.ShouldBeTrue();
        await bed.WebhookAsync("PAYMENT.CAPTURE.COMPLETED", e => e["resource"]!["id"]!.GetValue<string>() == capture.Id);
    }

    [Fact]
    public async Task Pending_capture_paypal_denies_ends_declined()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var capture = await bed.CapturedAsync(new Money(30_000, Currency.EUR), "approve", email: "pending.review@example.test");
        capture.Status.ShouldBe(PayPalCaptureStatus.Pending);

        await bed.Control.PostAsync($"captures/{capture.Id}/deny");

        (await bed.Client.GetCaptureAsync(capture.Id)).Status.ShouldBe(PayPalCaptureStatus.Declined);
        await bed.WebhookAsync("PAYMENT.CAPTURE.DENIED", e => e["resource"]!["id"]!.GetValue<string>() == capture.Id);
    }

    [Fact]
    public async Task Declined_payer_gives_a_declined_capture_that_cannot_be_refunded()
    {
        await using var bed = await PayPalTestbed.StartAsync();

        var capture = await bed.CapturedAsync(new Money(8_000, Currency.EUR), email: "declined@example.test");

        capture.Status.ShouldBe(PayPalCaptureStatus.Declined);
        capture.SellerReceivableBreakdown.ShouldBeNull();
        await Should.ThrowAsync<PayPalApiException>(() => bed.Client.RefundCaptureAsync(capture.Id, new NewPayPalRefund(), Guid.NewGuid().ToString()));
    }

    [Fact]
    public async Task Currency_paypal_does_not_take_is_refused_before_anything_is_sent()
    {
        await using var bed = await PayPalTestbed.StartAsync();

        await Should.ThrowAsync<DomainException>(async () => await bed.CreateOrderAsync(new Money(1_000, Currency.FromCode("BRL"))));

        (await bed.TokensIssuedAsync()).ShouldBe(0);
    }
}
