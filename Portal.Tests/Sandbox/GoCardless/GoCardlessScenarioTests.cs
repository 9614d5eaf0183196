using System.Net;
using Microsoft.Extensions.Time.Testing;
using Portal.Tests.Fixture;

namespace Portal.Tests.Sandbox.GoCardless;

public sealed class GoCardlessScenarioTests
{
    [Fact]
    public async Task Paid_out_walks_the_payment_through_submitted_and_confirmed_with_a_payout()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var mandateId = await bed.ActiveMandateAsync();
        var payment = (await bed.CreatePaymentAsync(mandateId)).Body["payments"]!["id"]!.GetValue<string>();

        var run = await bed.PostAsync("scenario_simulators/payment_paid_out/actions/run",
            new { scenario_simulators = new { links = new { resource = payment } } });

        run.Status.ShouldBe(HttpStatusCode.OK);
        var paidOut = await bed.WebhookEventAsync("payments", "paid_out");
        paidOut["links"]!["payout"]!.GetValue<string>().ShouldStartWith("PO");
        var actions = (await bed.GetAsync($"events?payment={payment}")).Body["events"]!.AsArray()
            .Select(e => e!["action"]!.GetValue<string>()).Reverse();
        actions.ShouldBe(["created", "submitted", "confirmed", "paid_out"]);
        (await bed.GetAsync($"payments/{payment}")).Body["payments"]!["status"]!.GetValue<string>().ShouldBe("paid_out");
    }

    [Fact]
    public async Task A_charge_back_and_a_late_failure_reverse_a_paid_out_payment()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var mandateId = await bed.ActiveMandateAsync();
        var chargedBack = (await bed.CreatePaymentAsync(mandateId)).Body["payments"]!["id"]!.GetValue<string>();
        var lateFailure = (await bed.CreatePaymentAsync(mandateId)).Body["payments"]!["id"]!.GetValue<string>();

        await bed.Control.PostAsync("scenarios/payment_charged_back", new { resource = chargedBack });
        await bed.Control.PostAsync("scenarios/payment_late_failure", new { resource = lateFailure });

        var chargeback = await bed.WebhookEventAsync("payments", "charged_back");
        chargeback["links"]!["payment"]!.GetValue<string>().ShouldBe(chargedBack);
        chargeback["details"]!["origin"]!.GetValue<string>().ShouldBe("bank");
        var failed = await bed.WebhookEventAsync("payments", "failed", e => e["links"]!["payment"]!.GetValue<string>() == lateFailure);
        failed["details"]!["cause"]!.GetValue<string>().ShouldBe("insufficient_funds");
        await bed.WebhookEventAsync("payments", "late_failure_settled");
        (await bed.GetAsync($"payments/{chargedBack}")).Body["payments"]!["status"]!.GetValue<string>().ShouldBe("charged_back");
        (await bed.GetAsync($"payments/{lateFailure}")).Body["payments"]!["status"]!.GetValue<string>().ShouldBe("failed");
    }

    [Fact]
    public async Task Mandate_scenarios_activate_expire_and_cancel_with_events()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var pending = (await bed.SetUpMandateAsync())["links"]!["mandate_request_mandate"]!.GetValue<string>();
        var expiring = await bed.ActiveMandateAsync();
        var closing = await bed.ActiveMandateAsync();
        var pendingPayment = (await bed.CreatePaymentAsync(closing)).Body["payments"]!["id"]!.GetValue<string>();

        await bed.Control.PostAsync("scenarios/mandate_activated", new { resource = pending });
        await bed.Control.PostAsync("scenarios/mandate_expired", new { resource = expiring });
        await bed.Control.PostAsync("scenarios/mandate_cancelled", new { resource = closing });

        await bed.WebhookEventAsync("mandates", "submitted", e => e["links"]!["mandate"]!.GetValue<string>() == pending);
        await bed.WebhookEventAsync("mandates", "active", e => e["links"]!["mandate"]!.GetValue<string>() == pending);
        await bed.WebhookEventAsync("mandates", "expired", e => e["links"]!["mandate"]!.GetValue<string>() == expiring);
        (await bed.WebhookEventAsync("mandates", "cancelled"))["details"]!["cause"]!.GetValue<string>().ShouldBe("bank_account_closed");
        (await bed.WebhookEventAsync("payments", "cancelled"))["links"]!["payment"]!.GetValue<string>().ShouldBe(pendingPayment);
        (await bed.GetAsync($"mandates/{pending}")).Body["mandates"]!["status"]!.GetValue<string>().ShouldBe("active");
    }

    [Fact]
    public async Task Billing_request_fulfilled_scenario_creates_the_mandate_without_the_hosted_page()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var requestId = (await bed.PostAsync("billing_requests", new { billing_requests = new { mandate_request = new { scheme = "sepa_core" } } }))
            .Body["billing_requests"]!["id"]!.GetValue<string>();

        await bed.PostAsync("scenario_simulators/billing_request_fulfilled/actions/run", new { scenario_simulators = new { links = new { resource = requestId } } });

        var fulfilled = await bed.WebhookEventAsync("billing_requests", "fulfilled");
        var mandateId = fulfilled["links"]!["mandate_request_mandate"]!.GetValue<string>();
        (await bed.GetAsync($"mandates/{mandateId}")).Body["mandates"]!["scheme"]!.GetValue<string>().ShouldBe("sepa_core");
    }

    [Fact]
    public async Task A_scenario_that_does_not_fit_the_state_is_refused()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var mandateId = await bed.ActiveMandateAsync();
        var payment = (await bed.CreatePaymentAsync(mandateId)).Body["payments"]!["id"]!.GetValue<string>();
        await bed.PostAsync($"payments/{payment}/actions/cancel", new { });

        var refused = await bed.PostAsync("scenario_simulators/payment_confirmed/actions/run", new { scenario_simulators = new { links = new { resource = payment } } });

        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await bed.GetAsync($"payments/{payment}")).Body["payments"]!["status"]!.GetValue<string>().ShouldBe("cancelled");
    }

    [Fact]
    public async Task The_demo_ticker_moves_payments_to_paid_out_as_the_clock_runs()
    {
        var clock = new FakeTimeProvider(new TestClock().GetUtcNow());
        await using var bed = await GoCardlessTestbed.StartAsync(o => o.DemoTicker = true, clock);
        var mandateId = await bed.ActiveMandateAsync();
        var payment = (await bed.CreatePaymentAsync(mandateId)).Body["payments"]!["id"]!.GetValue<string>();

        // One sandbox second at a time, until the ticker has moved the payment three steps (3 s per step).
        for (var second = 0; second < 60 && bed.Receiver.Received.SelectMany(bed.Events).All(e => e["action"]!.GetValue<string>() != "paid_out"); second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        await bed.WebhookEventAsync("payments", "paid_out", e => e["links"]!["payment"]!.GetValue<string>() == payment);
        (await bed.GetAsync($"payments/{payment}")).Body["payments"]!["status"]!.GetValue<string>().ShouldBe("paid_out");
    }
}
