using System.Net;

namespace Portal.Tests.Sandbox.GoCardless;

public sealed class GoCardlessCustomerPayoutAndRefundTests
{
    [Fact]
    public async Task A_customer_created_by_the_api_can_be_read_back_and_needs_a_name()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();

        var created = await bed.PostAsync("customers", new { customers = new { email = "grace@example.test", given_name = "Grace", family_name = "Hopper", country_code = "gb" } }, "cust-1");
        var nameless = await bed.PostAsync("customers", new { customers = new { email = "nobody@example.test" } });
        var replayed = await bed.PostAsync("customers", new { customers = new { email = "grace@example.test", given_name = "Grace", family_name = "Hopper" } }, "cust-1");

        created.Status.ShouldBe(HttpStatusCode.Created);
        var id = created.Body["customers"]!["id"]!.GetValue<string>();
        id.ShouldStartWith("CU");
        var customer = (await bed.GetAsync($"customers/{id}")).Body["customers"]!;
        customer["family_name"]!.GetValue<string>().ShouldBe("Hopper");
        customer["country_code"]!.GetValue<string>().ShouldBe("GB");
        nameless.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        nameless.ErrorField.ShouldBe("given_name");
        replayed.Status.ShouldBe(HttpStatusCode.Conflict);
        replayed.Body["error"]!["errors"]![0]!["links"]!["conflicting_resource_id"]!.GetValue<string>().ShouldBe(id);
    }

    [Fact]
    public async Task A_paid_out_payment_lands_in_a_payout_net_of_fees()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var mandateId = await bed.ActiveMandateAsync();
        var payment = (await bed.CreatePaymentAsync(mandateId, amount: 10_000)).Body["payments"]!["id"]!.GetValue<string>();

        await bed.Control.PostAsync("scenarios/payment_paid_out", new { resource = payment });

        var payoutId = (await bed.GetAsync($"payments/{payment}")).Body["payments"]!["links"]!["payout"]!.GetValue<string>();
        var payout = (await bed.GetAsync($"payouts/{payoutId}")).Body["payouts"]!;
        payout["amount"]!.GetValue<long>().ShouldBe(9_880);
        payout["deducted_fees"]!.GetValue<long>().ShouldBe(120);
        payout["currency"]!.GetValue<string>().ShouldBe("GBP");
        payout["status"]!.GetValue<string>().ShouldBe("paid");
        (await bed.GetAsync("payouts")).Body["payouts"]!.AsArray().ShouldHaveSingleItem();
        var paid = await bed.WebhookEventAsync("payouts", "paid");
        paid["links"]!["payout"]!.GetValue<string>().ShouldBe(payoutId);
    }

    [Fact]
    public async Task A_refund_must_confirm_the_total_refunded_and_fit_in_the_payment()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var mandateId = await bed.ActiveMandateAsync();
        var payment = (await bed.CreatePaymentAsync(mandateId, amount: 10_000)).Body["payments"]!["id"]!.GetValue<string>();
        await bed.Control.PostAsync("scenarios/payment_confirmed", new { resource = payment });

        var refund = await bed.PostAsync("refunds", new { refunds = new { amount = 4_000, total_amount_confirmation = 4_000, links = new { payment } } }, "rf-1");
        var replay = await bed.PostAsync("refunds", new { refunds = new { amount = 4_000, total_amount_confirmation = 4_000, links = new { payment } } }, "rf-1");
        var unconfirmed = await bed.PostAsync("refunds", new { refunds = new { amount = 1_000, total_amount_confirmation = 1_000, links = new { payment } } });
        var excessive = await bed.PostAsync("refunds", new { refunds = new { amount = 7_000, total_amount_confirmation = 11_000, links = new { payment } } });

        refund.Status.ShouldBe(HttpStatusCode.Created);
        refund.Body["refunds"]!["links"]!["payment"]!.GetValue<string>().ShouldBe(payment);
        replay.Status.ShouldBe(HttpStatusCode.Conflict);
        unconfirmed.ErrorReason.ShouldBe("total_amount_confirmation_invalid");
        excessive.ErrorReason.ShouldBe("available_refund_amount_insufficient");
        (await bed.GetAsync($"payments/{payment}")).Body["payments"]!["amount_refunded"]!.GetValue<long>().ShouldBe(4_000);
    }
}
