using System.Text.Json.Nodes;
using Portal.Domain;
using Portal.Providers.PayPal.Api;

namespace Portal.Tests.Sandbox.PayPal;

public sealed class PayPalWebhookTests
{
    [Fact]
    public async Task A_real_delivery_carries_paypals_headers_and_verifies()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var order = await bed.ApprovedOrderAsync(new Money(2_500, Currency.EUR));

        var delivery = await bed.WebhookAsync("CHECKOUT.ORDER.APPROVED", e => e["resource"]!["id"]!.GetValue<string>() == order.Id);

        var transmission = PayPalTestbed.TransmissionOf(delivery);
        transmission.AuthAlgo.ShouldBe("SHA256withRSA");
        DateTimeOffset.Parse(transmission.TransmissionTime, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(bed.Clock.GetUtcNow().AddMinutes(-1));
        (await bed.Client.VerifyWebhookSignatureAsync(transmission, bed.WebhookId, delivery.Body)).ShouldBe(PayPalVerificationStatus.Success);
    }

    [Fact]
    public async Task An_edited_body_a_forged_signature_or_another_webhook_id_fails_verification()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var capture = await bed.CapturedAsync(new Money(2_500, Currency.EUR));
        var delivery = await bed.WebhookAsync("PAYMENT.CAPTURE.COMPLETED", e => e["resource"]!["id"]!.GetValue<string>() == capture.Id);
        var transmission = PayPalTestbed.TransmissionOf(delivery);

        var edited = JsonNode.Parse(delivery.Body)!;
        edited["resource"]!["amount"]!["value"] = "2500.00";
        (await bed.Client.VerifyWebhookSignatureAsync(transmission, bed.WebhookId, edited.ToJsonString())).ShouldBe(PayPalVerificationStatus.Failure);
        (await bed.Client.VerifyWebhookSignatureAsync(transmission with { TransmissionSig = "Zm9yZ2Vk" + transmission.TransmissionSig[8..] }, bed.WebhookId, delivery.Body))
            .ShouldBe(PayPalVerificationStatus.Failure);
        (await bed.Client.VerifyWebhookSignatureAsync(transmission with { TransmissionId = Guid.NewGuid().ToString() }, bed.WebhookId, delivery.Body))
            .ShouldBe(PayPalVerificationStatus.Failure);
        (await bed.Client.VerifyWebhookSignatureAsync(transmission, "WH0THERWEBHOOK0ID", delivery.Body)).ShouldBe(PayPalVerificationStatus.Failure);
        (await bed.Client.VerifyWebhookSignatureAsync(transmission, bed.WebhookId, "not json")).ShouldBe(PayPalVerificationStatus.Failure);
        (await bed.Client.VerifyWebhookSignatureAsync(transmission, bed.WebhookId, delivery.Body)).ShouldBe(PayPalVerificationStatus.Success);
    }

    [Fact]
    public async Task Capture_events_name_our_payment_and_the_capture()
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var paymentId = Guid.NewGuid().ToString();
        var order = await bed.CreateOrderAsync(new Money(4_000, Currency.USD), paymentId);
        using (var approved = await bed.ChooseOnApprovalPageAsync(order, "approve_pending"))
        {
            approved.StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);
        }

        var capture = (await bed.Client.CaptureOrderAsync(order.Id, Guid.NewGuid().ToString())).Captures.Single();

        var pending = JsonNode.Parse((await bed.WebhookAsync("PAYMENT.CAPTURE.PENDING")).Body)!;
        pending["resource_type"]!.GetValue<string>().ShouldBe("capture");
        pending["resource"]!["id"]!.GetValue<string>().ShouldBe(capture.Id);
        pending["resource"]!["custom_id"]!.GetValue<string>().ShouldBe(paymentId);
        pending["id"]!.GetValue<string>().ShouldStartWith("WH-");
    }
}
