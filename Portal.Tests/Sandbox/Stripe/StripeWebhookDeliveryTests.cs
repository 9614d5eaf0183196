using Stripe;

namespace Portal.Tests.Sandbox.Stripe;

public sealed class StripeWebhookDeliveryTests
{
    [Fact]
    public async Task Duplicate_mode_sends_every_event_twice()
    {
        await using var bed = await StripeTestbed.StartAsync();
        await bed.Control.SetDeliveryModeAsync("duplicate");

        await bed.PaidSessionAsync();
        await bed.Control.WaitUntilDeliveriesSettledAsync();

        var completed = bed.Receiver.Received.Select(w => bed.Verify(w)!).Where(e => e.Type == EventTypes.CheckoutSessionCompleted).ToList();
        completed.Count.ShouldBe(2);
        completed[1].Id.ShouldBe(completed[0].Id);
    }

    [Fact]
    public async Task Out_of_order_mode_delivers_newest_first()
    {
        await using var bed = await StripeTestbed.StartAsync();
        await bed.Control.SetDeliveryModeAsync("out_of_order");

        var session = await bed.PaidSessionAsync();
        await bed.Control.WaitUntilDeliveriesSettledAsync();

        var created = (await bed.Client.V1.Events.ListAsync(new EventListOptions { Limit = 100 })).Data.Select(e => e.Id).ToList(); // newest first
        var received = bed.Receiver.Received.Select(w => bed.Verify(w)!.Id).ToList();
        received.ShouldBe(created);
        bed.Verify(bed.Receiver.Received[0])!.Type.ShouldBe(EventTypes.CheckoutSessionCompleted);
        session.PaymentStatus.ShouldBe("paid");
    }

    [Fact]
    public async Task A_delivery_answered_500_is_retried_and_every_attempt_is_recorded()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var session = await bed.CreateSessionAsync();
        bed.Receiver.AnswerNextWith(500, 503);

        using (await bed.ChooseOnHostedPageAsync(session, "pay"))
        {
        }

        var deliveries = await bed.Control.WaitUntilDeliveriesSettledAsync();
        deliveries.ShouldAllBe(d => d!["state"]!.GetValue<string>() == "delivered");
        var statuses = deliveries.Select(d => d!["attempts"]!.AsArray().Select(a => a!["status_code"]!.GetValue<int>()).ToList()).ToList();
        statuses.SelectMany(s => s).Count(s => s >= 500).ShouldBe(2);
        statuses.Where(s => s[0] >= 500).ShouldAllBe(s => s.Count == 2 && s[1] == 200);
        var retried = deliveries.First(d => d!["attempts"]!.AsArray().Count == 2)!;
        var eventId = retried["event_ids"]![0]!.GetValue<string>();
        bed.Receiver.Received.Count(w => bed.Verify(w)!.Id == eventId).ShouldBe(2);
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_is_given_up_on_after_the_schedule()
    {
        await using var bed = await StripeTestbed.StartAsync();
        bed.Receiver.AnswerNextWith(Enumerable.Repeat(500, 50).ToArray());

        await bed.PaidSessionAsync();

        var deliveries = await bed.Control.WaitUntilDeliveriesSettledAsync();
        deliveries.ShouldAllBe(d => d!["state"]!.GetValue<string>() == "gave_up");
        deliveries[0]!["attempts"]!.AsArray().Count.ShouldBe(3); // the first try plus the two retries of the test schedule
    }
}
