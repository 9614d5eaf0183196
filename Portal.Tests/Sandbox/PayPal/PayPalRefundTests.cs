using System.Net;
using Portal.Domain;
using Portal.Providers.PayPal.Api;

namespace Portal.Tests.Sandbox.PayPal;

public sealed class PayPalRefundTests
{
    [Fact]
    public async Task Partial_refund_then_the_rest_leaves_the_capture_fully_refunded()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var capture = await bed.CapturedAsync(new Money(10_000, Currency.EUR));

        var part = await bed.Client.RefundCaptureAsync(capture.Id, new NewPayPalRefund(new Money(2_550, Currency.EUR), NoteToPayer: "Partial refund"), Guid.NewGuid().ToString());
        part.Status.ShouldBe(PayPalRefundStatus.Completed);
        part.Amount!.ToMoney().ShouldBe(new Money(2_550, Currency.EUR));
        (await bed.Client.GetCaptureAsync(capture.Id)).Status.ShouldBe(PayPalCaptureStatus.PartiallyRefunded);

        var rest = await bed.Client.RefundCaptureAsync(capture.Id, new NewPayPalRefund(), Guid.NewGuid().ToString());

        rest.Amount!.ToMoney().ShouldBe(new Money(7_450, Currency.EUR));
        rest.SellerPayableBreakdown!.TotalRefundedAmount!.ToMoney().ShouldBe(new Money(10_000, Currency.EUR));
        (await bed.Client.GetRefundAsync(rest.Id)).Amount!.ToMoney().ShouldBe(new Money(7_450, Currency.EUR));
        (await bed.Client.GetCaptureAsync(capture.Id)).Status.ShouldBe(PayPalCaptureStatus.Refunded);
        var again = await Should.ThrowAsync<PayPalApiException>(() => bed.Client.RefundCaptureAsync(capture.Id, new NewPayPalRefund(), Guid.NewGuid().ToString()));
        again.HasIssue("CAPTURE_FULLY_REFUNDED").ShouldBeTrue(again.Message);
        await bed.WebhookAsync("PAYMENT.CAPTURE.REFUNDED", e => e["resource"]!["id"]!.GetValue<string>() == rest.Id);
    }

    [Fact]
    public async Task Refund_above_what_is_left_is_refused_and_changes_nothing()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var capture = await bed.CapturedAsync(new Money(10_000, Currency.EUR));
        await bed.Client.RefundCaptureAsync(capture.Id, new NewPayPalRefund(new Money(6_000, Currency.EUR)), Guid.NewGuid().ToString());

        var refused = await Should.ThrowAsync<PayPalApiException>(() =>
            bed.Client.RefundCaptureAsync(capture.Id, new NewPayPalRefund(new Money(4_001, Currency.EUR)), Guid.NewGuid().ToString()));

        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        refused.HasIssue("REFUND_AMOUNT_EXCEEDED").ShouldBeTrue(refused.Message);
        (await bed.Client.GetCaptureAsync(capture.Id)).Status.ShouldBe(PayPalCaptureStatus.PartiallyRefunded);
        var last = await bed.Client.RefundCaptureAsync(capture.Id, new NewPayPalRefund(new Money(4_000, Currency.EUR)), Guid.NewGuid().ToString());
        last.SellerPayableBreakdown!.TotalRefundedAmount!.ToMoney().ShouldBe(new Money(10_000, Currency.EUR));
    }

    [Fact]
    public async Task Same_refund_request_id_refunds_once()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var capture = await bed.CapturedAsync(new Money(10_000, Currency.EUR));
        var requestId = Guid.NewGuid().ToString();

        var first = await bed.Client.RefundCaptureAsync(capture.Id, new NewPayPalRefund(new Money(1_000, Currency.EUR)), requestId);
        var second = await bed.Client.RefundCaptureAsync(capture.Id, new NewPayPalRefund(new Money(1_000, Currency.EUR)), requestId);

        second.Id.ShouldBe(first.Id);
        second.SellerPayableBreakdown!.TotalRefundedAmount!.ToMoney().ShouldBe(new Money(1_000, Currency.EUR));
    }

    [Fact]
    public async Task Reversal_by_paypal_takes_back_what_is_left_and_is_announced()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var capture = await bed.CapturedAsync(new Money(10_000, Currency.EUR));
        await bed.Client.RefundCaptureAsync(capture.Id, new NewPayPalRefund(new Money(1_000, Currency.EUR)), Guid.NewGuid().ToString());

        await bed.Control.PostAsync($"captures/{capture.Id}/reverse");

        (await bed.Client.GetCaptureAsync(capture.Id)).Status.ShouldBe(PayPalCaptureStatus.Refunded);
        var reversed = await bed.WebhookAsync("PAYMENT.CAPTURE.REVERSED");
        System.Text.Json.Nodes.JsonNode.Parse(reversed.Body)!["resource"]!["amount"]!["value"]!.GetValue<string>().ShouldBe("90.00");
    }
}
