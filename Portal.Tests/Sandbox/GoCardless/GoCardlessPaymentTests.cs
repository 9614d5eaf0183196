using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Portal.Tests.Sandbox.GoCardless;

public sealed class GoCardlessPaymentTests
{
    // A Wednesday: an active mandate can be charged from Friday (two working days).
    private static readonly DateTimeOffset Wednesday = new(2026, 11, 18, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Charge_dates_respect_the_mandate_lead_time_and_roll_off_weekends()
    {
        var clock = new FakeTimeProvider(Wednesday);
        await using var bed = await GoCardlessTestbed.StartAsync(clock: clock);
        var mandateId = await bed.ActiveMandateAsync();
        var pendingMandate = (await bed.SetUpMandateAsync())["links"]!["mandate_request_mandate"]!.GetValue<string>();

        var mandate = (await bed.GetAsync($"mandates/{mandateId}")).Body["mandates"]!;
        var tooEarly = await bed.CreatePaymentAsync(mandateId, chargeDate: "2026-11-19");
        var earliest = await bed.CreatePaymentAsync(mandateId, chargeDate: "2026-11-20");
        var saturday = await bed.CreatePaymentAsync(mandateId, chargeDate: "2026-11-21");
        var unspecified = await bed.CreatePaymentAsync(mandateId);
        var onPendingMandate = await bed.CreatePaymentAsync(pendingMandate, chargeDate: "2026-11-23");

        mandate["next_possible_charge_date"]!.GetValue<string>().ShouldBe("2026-11-20");
        tooEarly.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        tooEarly.Body["error"]!["type"]!.GetValue<string>().ShouldBe("validation_failed");
        tooEarly.ErrorField.ShouldBe("charge_date");
        earliest.Status.ShouldBe(HttpStatusCode.Created);
        earliest.Body["payments"]!["charge_date"]!.GetValue<string>().ShouldBe("2026-11-20");
        earliest.Body["payments"]!["status"]!.GetValue<string>().ShouldBe("pending_submission");
        earliest.Raw.Headers.Location!.ToString().ShouldEndWith("/payments/" + earliest.Body["payments"]!["id"]);
        saturday.Body["payments"]!["charge_date"]!.GetValue<string>().ShouldBe("2026-11-23");
        unspecified.Body["payments"]!["charge_date"]!.GetValue<string>().ShouldBe("2026-11-20");
        onPendingMandate.Status.ShouldBe(HttpStatusCode.UnprocessableEntity); // a new mandate needs four working days: Tuesday 24th

        clock.Advance(TimeSpan.FromDays(2)); // Friday
        (await bed.GetAsync($"mandates/{mandateId}")).Body["mandates"]!["next_possible_charge_date"]!.GetValue<string>().ShouldBe("2026-11-24");
    }

    [Fact]
    public async Task Currency_must_match_the_scheme_and_metadata_has_at_most_three_keys()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var mandateId = await bed.ActiveMandateAsync("EUR");

        var wrongCurrency = await bed.CreatePaymentAsync(mandateId, currency: "GBP");
        var tooMuchMetadata = await bed.CreatePaymentAsync(mandateId, currency: "EUR", metadata: new { a = "1", b = "2", c = "3", d = "4" });
        var created = await bed.CreatePaymentAsync(mandateId, amount: 12_345, currency: "EUR", metadata: new { invoice_id = "42", client_id = "7", attempt = "1" });

        wrongCurrency.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        wrongCurrency.ErrorField.ShouldBe("currency");
        tooMuchMetadata.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        tooMuchMetadata.ErrorField.ShouldBe("metadata");
        created.Status.ShouldBe(HttpStatusCode.Created);
        created.Body["payments"]!["amount"]!.GetValue<long>().ShouldBe(12_345);
        var event_ = await bed.WebhookEventAsync("payments", "created");
        event_["links"]!["payment"]!.GetValue<string>().ShouldBe(created.Body["payments"]!["id"]!.GetValue<string>());
        event_["resource_metadata"]!["invoice_id"]!.GetValue<string>().ShouldBe("42");
    }

    [Fact]
    public async Task Only_a_payment_pending_submission_can_be_cancelled()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var mandateId = await bed.ActiveMandateAsync();
        var pending = (await bed.CreatePaymentAsync(mandateId)).Body["payments"]!["id"]!.GetValue<string>();
        var submitted = (await bed.CreatePaymentAsync(mandateId)).Body["payments"]!["id"]!.GetValue<string>();
        await bed.Control.PostAsync("scenarios/payment_submitted", new { resource = submitted });

        var cancelled = await bed.PostAsync($"payments/{pending}/actions/cancel", new { });
        var refused = await bed.PostAsync($"payments/{submitted}/actions/cancel", new { });

        cancelled.Status.ShouldBe(HttpStatusCode.OK);
        cancelled.Body["payments"]!["status"]!.GetValue<string>().ShouldBe("cancelled");
        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        refused.Body["error"]!["type"]!.GetValue<string>().ShouldBe("invalid_state");
        refused.ErrorReason.ShouldBe("cancellation_failed");
        (await bed.GetAsync($"payments/{submitted}")).Body["payments"]!["status"]!.GetValue<string>().ShouldBe("submitted");
        await bed.WebhookEventAsync("payments", "cancelled", e => e["links"]!["payment"]!.GetValue<string>() == pending);
    }

    [Fact]
    public async Task Only_a_failed_payment_can_be_retried_and_at_most_three_times()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var mandateId = await bed.ActiveMandateAsync();
        var payment = (await bed.CreatePaymentAsync(mandateId)).Body["payments"]!["id"]!.GetValue<string>();

        var notFailed = await bed.PostAsync($"payments/{payment}/actions/retry", new { });
        var retries = new List<GcResponse>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            await bed.Control.PostAsync("scenarios/payment_failed", new { resource = payment });
            retries.Add(await bed.PostAsync($"payments/{payment}/actions/retry", new { }));
        }

        notFailed.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        notFailed.ErrorReason.ShouldBe("retry_failed");
        retries.Take(3).ShouldAllBe(r => r.Status == HttpStatusCode.OK && r.Body["payments"]!["status"]!.GetValue<string>() == "pending_submission");
        retries[3].Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        retries[3].ErrorReason.ShouldBe("retry_failed");
        var failed = await bed.WebhookEventAsync("payments", "failed");
        failed["details"]!["cause"]!.GetValue<string>().ShouldBe("insufficient_funds");
        failed["details"]!["scheme"]!.GetValue<string>().ShouldBe("bacs");
        failed["details"]!["will_attempt_retry"]!.GetValue<bool>().ShouldBeFalse();
        await bed.Receiver.WaitForCountAsync(w => bed.Events(w).Any(e => e["action"]!.GetValue<string>() == "resubmission_requested"), 1);
        var resubmissions = (await bed.GetAsync($"events?resource_type=payments&action=resubmission_requested")).Body["events"]!.AsArray();
        resubmissions.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_answers_409_with_the_conflicting_payment()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var mandateId = await bed.ActiveMandateAsync();

        var first = await bed.CreatePaymentAsync(mandateId, idempotencyKey: "invoice-42-collection-1");
        var second = await bed.CreatePaymentAsync(mandateId, amount: 9_999, idempotencyKey: "invoice-42-collection-1");

        first.Status.ShouldBe(HttpStatusCode.Created);
        second.Status.ShouldBe(HttpStatusCode.Conflict);
        second.Body["error"]!["type"]!.GetValue<string>().ShouldBe("invalid_state");
        second.ErrorReason.ShouldBe("idempotent_creation_conflict");
        second.Body["error"]!["errors"]![0]!["links"]!["conflicting_resource_id"]!.GetValue<string>()
            .ShouldBe(first.Body["payments"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_create_whose_response_is_lost_and_is_retried_with_the_same_key_makes_one_payment()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var mandateId = await bed.ActiveMandateAsync();
        await bed.Control.InjectFaultAsync("drop_response", method: "POST", pathContains: "/payments");

        await Should.ThrowAsync<HttpRequestException>(() => bed.CreatePaymentAsync(mandateId, idempotencyKey: "collection-7"));
        var retried = await bed.CreatePaymentAsync(mandateId, idempotencyKey: "collection-7");
        var conflicting = retried.Body["error"]!["errors"]![0]!["links"]!["conflicting_resource_id"]!.GetValue<string>();
        var fetched = await bed.GetAsync($"payments/{conflicting}");

        retried.Status.ShouldBe(HttpStatusCode.Conflict);
        fetched.Body["payments"]!["amount"]!.GetValue<long>().ShouldBe(5_000);
        (await bed.GetAsync($"payments?mandate={mandateId}")).Body["payments"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Payments_list_pages_with_cursors()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var mandateId = await bed.ActiveMandateAsync();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await bed.CreatePaymentAsync(mandateId, amount: 1_000 + i)).Body["payments"]!["id"]!.GetValue<string>());
        }

        created.Reverse();

        var first = (await bed.GetAsync("payments?limit=2")).Body;
        var second = (await bed.GetAsync($"payments?limit=2&after={first["meta"]!["cursors"]!["after"]}")).Body;
        var last = (await bed.GetAsync($"payments?limit=2&after={second["meta"]!["cursors"]!["after"]}")).Body;
        var back = (await bed.GetAsync($"payments?limit=2&before={last["payments"]![0]!["id"]}")).Body;
        var tooBig = await bed.GetAsync("payments?limit=501");

        static IEnumerable<string> Ids(JsonNode page) => page["payments"]!.AsArray().Select(p => p!["id"]!.GetValue<string>());
        Ids(first).ShouldBe(created[..2]);
        first["meta"]!["cursors"]!["before"].ShouldBeNull();
        first["meta"]!["limit"]!.GetValue<int>().ShouldBe(2);
        Ids(second).ShouldBe(created[2..4]);
        Ids(last).ShouldBe(created[4..]);
        last["meta"]!["cursors"]!["after"].ShouldBeNull();
        Ids(back).ShouldBe(created[2..4]);
        tooBig.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }
}
