using System.Text;
using Portal.Domain;
using Portal.GoCardless;

namespace Portal.Tests.GoCardless;

public sealed class GoCardlessWebhookTests
{
    // GoCardless's published test vector, as used by its client libraries' own tests.
    private const string PublishedSecret = "ED7D658C-D8EB-4941-948B-3973214F2D49";
    private const string PublishedSignature = "2693754819d3e32d7e8fcb13c729631f316c6de8dc1cf634d6527f1c07276e7e";
    private const string PublishedBody = """{"events":[{"id":"EV00BD05S5VM2T","created_at":"2018-07-05T09:13:51.404Z","resource_type":"subscriptions","action":"created","links":{"subscription":"SB0003JJQ2MR06"},"details":{"origin":"api","cause":"subscription_created","description":"Subscription created via the API."},"metadata":{}},{"id":"EV00BD05TB8K63","created_at":"2018-07-05T09:13:56.893Z","resource_type":"mandates","action":"created","links":{"mandate":"MD000AMA19XGEC"},"details":{"origin":"api","cause":"mandate_created","description":"Mandate created via the API."},"metadata":{}}]}""";

    [Fact]
    public void GoCardlesss_published_test_vector_verifies_and_parses_both_events()
    {
        var check = new GoCardlessWebhookVerifier(PublishedSecret).Verify(PublishedBody, PublishedSignature);

        var events = check.ShouldBeOfType<GoCardlessWebhookCheck.Verified>().Webhook.Events;
        events.Select(e => e.Id).ShouldBe(["EV00BD05S5VM2T", "EV00BD05TB8K63"]);
        events[0].ResourceType.ShouldBe(GoCardlessResourceType.Subscriptions);
        events[0].Links.Subscription.ShouldBe("SB0003JJQ2MR06");
        events[0].CreatedAt.ShouldBe(new DateTimeOffset(2018, 7, 5, 9, 13, 51, 404, TimeSpan.Zero));
        events[1].ResourceType.ShouldBe(GoCardlessResourceType.Mandates);
        events[1].Links.Mandate.ShouldBe("MD000AMA19XGEC");
        events[1].Details.Origin.ShouldBe(GoCardlessEventOrigin.Api);
        events[1].Details.Cause.ShouldBe("mandate_created");
    }

    [Fact]
    public void A_signature_made_with_another_secret_is_refused_with_498()
    {
        var check = new GoCardlessWebhookVerifier("another-secret").Verify(PublishedBody, PublishedSignature);

        check.ShouldBeOfType<GoCardlessWebhookCheck.Refused>().StatusCode.ShouldBe(498);
    }

    [Fact]
    public void A_tampered_body_is_refused_with_498()
    {
        var tampered = PublishedBody.Replace("\"created\",\"links\":{\"mandate\"", "\"cancelled\",\"links\":{\"mandate\"", StringComparison.Ordinal);

        var check = new GoCardlessWebhookVerifier(PublishedSecret).Verify(tampered, PublishedSignature);

        tampered.ShouldNotBe(PublishedBody);
        check.ShouldBeOfType<GoCardlessWebhookCheck.Refused>().StatusCode.ShouldBe(498);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2693754819d3e32d7e8fcb13c729631f")]
    [InlineData("not-hex-at-all")]
    public void A_missing_or_malformed_signature_is_refused_with_498(string? signature)
    {
        var check = new GoCardlessWebhookVerifier(PublishedSecret).Verify(PublishedBody, signature);

        check.ShouldBeOfType<GoCardlessWebhookCheck.Refused>().StatusCode.ShouldBe(498);
    }

    [Fact]
    public void A_correctly_signed_body_that_is_not_a_webhook_is_refused_with_400()
    {
        const string body = "{\"hello\":1}";
        var check = new GoCardlessWebhookVerifier(PublishedSecret).Verify(body, SignedWithPublishedSecret(body));

        check.ShouldBeOfType<GoCardlessWebhookCheck.Refused>().StatusCode.ShouldBe(400);
    }

    [Fact]
    public async Task A_sandbox_webhook_for_a_failed_payment_verifies_into_typed_events()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        var payment = await bed.PaymentAsync(mandate);
        await bed.Client.RunScenarioAsync("payment_failed", payment.Id);
        var verifier = new GoCardlessWebhookVerifier(bed.Sandbox.WebhookSecret);

        var delivery = await bed.Sandbox.Receiver.WaitForAsync(w => w.Body.Contains("\"failed\"", StringComparison.Ordinal));
        var check = verifier.Verify(Encoding.UTF8.GetBytes(delivery.Body), delivery.Header("Webhook-Signature"));

        var webhook = check.ShouldBeOfType<GoCardlessWebhookCheck.Verified>().Webhook;
        webhook.WebhookId.ShouldNotBeNull().ShouldStartWith("WB");
        var failed = webhook.Events.Single(e => e.Action == "failed");
        failed.ResourceType.ShouldBe(GoCardlessResourceType.Payments);
        failed.Links.Payment.ShouldBe(payment.Id);
        failed.Details.Origin.ShouldBe(GoCardlessEventOrigin.Bank);
        failed.Details.Cause.ShouldBe("insufficient_funds");
        failed.Details.Scheme.ShouldBe("bacs");
        failed.Details.ReasonCode.ShouldNotBeNullOrEmpty();
        failed.Details.WillAttemptRetry.ShouldBe(false);
        failed.ResourceMetadata["invoice_id"].ShouldBe("42");
        (await bed.Client.GetPaymentAsync(payment.Id)).Amount.ShouldBe(new Money(5_000, Currency.GBP));
    }

    [Fact]
    public async Task A_sandbox_webhook_for_a_fulfilled_billing_request_links_the_new_mandate()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.MandateThroughHostedFlowAsync();
        var verifier = new GoCardlessWebhookVerifier(bed.Sandbox.WebhookSecret);

        var delivery = await bed.Sandbox.Receiver.WaitForAsync(w => w.Body.Contains("\"fulfilled\"", StringComparison.Ordinal));
        var webhook = verifier.Verify(delivery.Body, delivery.Header("Webhook-Signature")).ShouldBeOfType<GoCardlessWebhookCheck.Verified>().Webhook;

        var fulfilled = webhook.Events.Single(e => e.ResourceType == GoCardlessResourceType.BillingRequests && e.Action == "fulfilled");
        fulfilled.Links.MandateRequestMandate.ShouldBe(mandate.Id);
        fulfilled.Links.Customer.ShouldBe(mandate.Links.Customer);
        fulfilled.Links.CustomerBankAccount.ShouldBe(mandate.Links.CustomerBankAccount);
        fulfilled.Details.Origin.ShouldBe(GoCardlessEventOrigin.Payer);
        webhook.Events.ShouldContain(e => e.ResourceType == GoCardlessResourceType.Mandates && e.Action == "created" && e.Links.Mandate == mandate.Id);
    }

    [Fact]
    public void Values_this_client_does_not_know_yet_parse_as_unknown_instead_of_failing()
    {
        const string body = """{"events":[{"id":"EV0001","created_at":"2026-11-20T10:00:00.000Z","resource_type":"outbound_payments","action":"executed","links":{"outbound_payment":"OUT001"},"details":{"origin":"some_new_origin","cause":"outbound_payment_executed"},"metadata":{}}],"meta":{"webhook_id":"WB0001"}}""";
        var check = new GoCardlessWebhookVerifier(PublishedSecret).Verify(body, SignedWithPublishedSecret(body));

        var webhook = check.ShouldBeOfType<GoCardlessWebhookCheck.Verified>().Webhook;
        webhook.WebhookId.ShouldBe("WB0001");
        var gcEvent = webhook.Events.ShouldHaveSingleItem();
        gcEvent.ResourceType.ShouldBe(GoCardlessResourceType.Unknown);
        gcEvent.Details.Origin.ShouldBe(GoCardlessEventOrigin.Unknown);
        gcEvent.Action.ShouldBe("executed");
    }

    private static string SignedWithPublishedSecret(string body) =>
        Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(PublishedSecret), Encoding.UTF8.GetBytes(body)));
}
