namespace Portal.Tests.Sandbox.GoCardless;

public sealed class GoCardlessWebhookTests
{
    [Fact]
    public void The_signature_check_reproduces_the_published_test_vector()
    {
        const string secret = "ED7D658C-D8EB-4941-948B-3973214F2D49";
        const string body = """{"events":[{"id":"EV00BD05S5VM2T","created_at":"2018-07-05T09:13:51.404Z","resource_type":"subscriptions","action":"created","links":{"subscription":"SB0003JJQ2MR06"},"details":{"origin":"api","cause":"subscription_created","description":"Subscription created via the API."},"metadata":{}},{"id":"EV00BD05TB8K63","created_at":"2018-07-05T09:13:56.893Z","resource_type":"mandates","action":"created","links":{"mandate":"MD000AMA19XGEC"},"details":{"origin":"api","cause":"mandate_created","description":"Mandate created via the API."},"metadata":{}}]}""";

        GoCardlessTestbed.IsCorrectlySigned(body, "2693754819d3e32d7e8fcb13c729631f316c6de8dc1cf634d6527f1c07276e7e", secret).ShouldBeTrue();
        GoCardlessTestbed.IsCorrectlySigned(body + " ", "2693754819d3e32d7e8fcb13c729631f316c6de8dc1cf634d6527f1c07276e7e", secret).ShouldBeFalse();
    }

    [Fact]
    public async Task Webhooks_are_batches_with_a_webhook_id_and_the_documented_headers()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();

        await bed.SetUpMandateAsync();

        var webhook = await bed.Receiver.WaitForAsync(w => w.Body.Contains("\"fulfilled\"", StringComparison.Ordinal));
        var batch = System.Text.Json.Nodes.JsonNode.Parse(webhook.Body)!;
        batch["meta"]!["webhook_id"]!.GetValue<string>().ShouldStartWith("WB");
        bed.Events(webhook).Select(e => $"{e["resource_type"]}.{e["action"]}").ShouldBe(["billing_requests.fulfilled", "mandates.created"]);
        webhook.Header("Content-Type").ShouldStartWith("application/json");
        webhook.Header("User-Agent").ShouldStartWith("gocardless-webhook-service");
        webhook.Header("Webhook-Signature").ShouldMatch("^[0-9a-f]{64}$");
    }

    [Fact]
    public async Task A_498_from_the_receiver_is_recorded_and_retried()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        bed.Receiver.AnswerNextWith(498);

        await bed.PostAsync("billing_requests", new { billing_requests = new { mandate_request = new { currency = "GBP" } } });

        var deliveries = await bed.Control.WaitUntilDeliveriesSettledAsync();
        var delivery = deliveries.ShouldHaveSingleItem()!;
        delivery["state"]!.GetValue<string>().ShouldBe("delivered");
        delivery["attempts"]!.AsArray().Select(a => a!["status_code"]!.GetValue<int>()).ShouldBe([498, 200]);
        bed.Receiver.Received.Count.ShouldBe(2);
        bed.Receiver.Received[1].Body.ShouldBe(bed.Receiver.Received[0].Body);
    }

    [Fact]
    public async Task Duplicate_and_out_of_order_modes_apply_to_gocardless_deliveries()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var mandateId = await bed.ActiveMandateAsync();
        await bed.Control.WaitUntilDeliveriesSettledAsync();
        var before = bed.Receiver.Received.Count;

        await bed.Control.SetDeliveryModeAsync("out_of_order");
        var first = (await bed.CreatePaymentAsync(mandateId)).Body["payments"]!["id"]!.GetValue<string>();
        var second = (await bed.CreatePaymentAsync(mandateId)).Body["payments"]!["id"]!.GetValue<string>();
        await bed.Control.WaitUntilDeliveriesSettledAsync();
        await bed.Control.SetDeliveryModeAsync("duplicate");
        var third = (await bed.CreatePaymentAsync(mandateId)).Body["payments"]!["id"]!.GetValue<string>();
        await bed.Control.WaitUntilDeliveriesSettledAsync();

        var paymentsInArrivalOrder = bed.Receiver.Received.Skip(before)
            .SelectMany(bed.Events)
            .Select(e => e["links"]!["payment"]!.GetValue<string>())
            .ToList();
        paymentsInArrivalOrder.ShouldBe([second, first, third, third]);
    }
}
