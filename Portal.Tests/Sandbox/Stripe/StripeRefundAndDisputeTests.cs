using System.Net;
using Stripe;

namespace Portal.Tests.Sandbox.Stripe;

public sealed class StripeRefundAndDisputeTests
{
    [Fact]
    public async Task A_partial_refund_then_the_rest_accumulates_amount_refunded_and_refuses_more()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var session = await bed.PaidSessionAsync(amount: 10_000);

        var partial = await bed.Client.V1.Refunds.CreateAsync(new RefundCreateOptions
        {
            PaymentIntent = session.PaymentIntentId,
            Amount = 3_000,
            Metadata = new Dictionary<string, string> { ["credit_note"] = "CN-1" },
        });
        var tooMuch = await Should.ThrowAsync<StripeException>(() =>
            bed.Client.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId, Amount = 7_001 }));
        var rest = await bed.Client.V1.Refunds.CreateAsync(new RefundCreateOptions { Charge = partial.ChargeId });
        var again = await Should.ThrowAsync<StripeException>(() =>
            bed.Client.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId }));

        partial.Amount.ShouldBe(3_000);
        partial.Status.ShouldBe("succeeded");
        partial.Metadata["credit_note"].ShouldBe("CN-1");
        tooMuch.HttpStatusCode.ShouldBe(HttpStatusCode.BadRequest);
        tooMuch.StripeError.Param.ShouldBe("amount");
        rest.Amount.ShouldBe(7_000);
        again.StripeError.Code.ShouldBe("charge_already_refunded");

        var charge = await bed.Client.V1.Charges.GetAsync(partial.ChargeId);
        charge.AmountRefunded.ShouldBe(10_000);
        charge.Refunded.ShouldBeTrue();
        var refundBalance = await bed.Client.V1.BalanceTransactions.GetAsync(rest.BalanceTransactionId);
        refundBalance.Amount.ShouldBe(-7_000);
        refundBalance.Type.ShouldBe("refund");

        var refundedEvents = await bed.Receiver.WaitForCountAsync(w => bed.Verify(w)!.Type == EventTypes.ChargeRefunded, 2);
        refundedEvents.Select(w => ((Charge)bed.Verify(w)!.Data.Object).AmountRefunded).ShouldBe([3_000, 10_000], ignoreOrder: true);
        await bed.Receiver.WaitForCountAsync(w => bed.Verify(w)!.Type == EventTypes.RefundCreated, 2);
    }

    [Fact]
    public async Task A_dispute_opened_then_lost_sends_created_and_closed_lost()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var session = await bed.PaidSessionAsync(amount: 10_000);
        var intent = await bed.Client.V1.PaymentIntents.GetAsync(session.PaymentIntentId);

        var opened = await bed.Control.PostAsync($"charges/{intent.LatestChargeId}/dispute", new { reason = "fraudulent" });
        var disputeId = opened["id"]!.GetValue<string>();
        var created = (Dispute)(await bed.WebhookEventAsync(EventTypes.ChargeDisputeCreated)).Data.Object;
        await bed.Control.PostAsync($"disputes/{disputeId}/close", new { outcome = "lost" });
        var closed = (Dispute)(await bed.WebhookEventAsync(EventTypes.ChargeDisputeClosed)).Data.Object;

        created.Id.ShouldBe(disputeId);
        created.ChargeId.ShouldBe(intent.LatestChargeId);
        created.Amount.ShouldBe(10_000);
        created.Status.ShouldBe("needs_response");
        created.BalanceTransactions.ShouldHaveSingleItem().Net.ShouldBe(-10_000 - 1_500);
        closed.Status.ShouldBe("lost");
        (await bed.Client.V1.Charges.GetAsync(intent.LatestChargeId)).Disputed.ShouldBeTrue();
        var refundOfDisputed = await Should.ThrowAsync<StripeException>(() =>
            bed.Client.V1.Refunds.CreateAsync(new RefundCreateOptions { Charge = intent.LatestChargeId }));
        refundOfDisputed.StripeError.Code.ShouldBe("charge_disputed");
    }

    [Fact]
    public async Task A_dispute_won_returns_the_funds()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var session = await bed.PaidSessionAsync(amount: 10_000);
        var intent = await bed.Client.V1.PaymentIntents.GetAsync(session.PaymentIntentId);
        var disputeId = (await bed.Control.PostAsync($"charges/{intent.LatestChargeId}/dispute"))["id"]!.GetValue<string>();

        await bed.Control.PostAsync($"disputes/{disputeId}/close", new { outcome = "won" });

        var closed = (Dispute)(await bed.WebhookEventAsync(EventTypes.ChargeDisputeClosed)).Data.Object;
        closed.Status.ShouldBe("won");
        closed.BalanceTransactions.Sum(b => b.Amount).ShouldBe(0);
        await Should.ThrowAsync<InvalidOperationException>(() => bed.Control.PostAsync($"disputes/{disputeId}/close", new { outcome = "lost" }));
    }
}
