using System.Net;
using System.Text.Json.Nodes;
using Portal.Integrations;
using Portal.Providers.Stripe;
using Portal.Tests.Stripe;
using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

public sealed class StripeWebhookEndpointTests(WebhookTestApp app) : IClassFixture<WebhookTestApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Fixture.TestFirm> AConnectedFirmAsync()
    {
        var firm = await app.AFirmAsync();
        await app.ConnectStripeAsync(firm, ProviderMode.Test, "sk_test_abcdef123456");
        return firm;
    }

    [Fact]
    public async Task Signed_event_is_stored_as_pending_and_answered_at_once()
    {
        var firm = await AConnectedFirmAsync();
        var body = StripePortalApp.StripeEventJson("checkout.session.completed", "evt_signed_1");

        using var response = await app.PostStripeEventAsync(firm.Key, body);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var stored = (await app.InboxAsync()).ShouldHaveSingleItem();
        (stored.ProviderEventId, stored.Type, stored.FirmId, stored.Status, stored.Body).ShouldBe(("evt_signed_1", "checkout.session.completed", firm.Id, WebhookEventStatus.Pending, body));
    }

    [Fact]
    public async Task A_signed_event_that_is_not_sent_as_json_is_refused_with_415_and_nothing_is_stored()
    {
        var firm = await AConnectedFirmAsync();
        var body = StripePortalApp.StripeEventJson("checkout.session.completed", "evt_as_text");

        using var text = await app.PostStripeEventAsync(firm.Key, body, contentType: "text/plain");
        using var form = await app.PostStripeEventAsync(firm.Key, body, contentType: "application/x-www-form-urlencoded");
        using var json = await app.PostStripeEventAsync(firm.Key, body);

        (text.StatusCode, form.StatusCode, json.StatusCode).ShouldBe((HttpStatusCode.UnsupportedMediaType, HttpStatusCode.UnsupportedMediaType, HttpStatusCode.OK));
        (await app.InboxAsync()).ShouldHaveSingleItem().ProviderEventId.ShouldBe("evt_as_text");
    }

    [Fact]
    public async Task Forged_signature_is_refused_with_400_and_nothing_is_stored()
    {
        var firm = await AConnectedFirmAsync();
        var body = StripePortalApp.StripeEventJson("checkout.session.completed");

        using var forged = await app.PostStripeEventAsync(firm.Key, body, secret: "whsec_someone_elses_secret");
        using var missing = await app.PostStripeEventAsync(firm.Key, body, secret: null);
        using var tampered = await app.PostStripeEventAsync(firm.Key, body.Replace("checkout.session.completed", "charge.refunded", StringComparison.Ordinal),
            signatureHeader: global::Stripe.EventUtility.GenerateSignatureHeader(body, StripePortalApp.WebhookSecret, app.Clock.GetUtcNow().ToUnixTimeSeconds()));

        foreach (var response in new[] { forged, missing, tampered })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        }
        (await app.InboxAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Stale_signature_is_refused()
    {
        var firm = await AConnectedFirmAsync();
        var body = StripePortalApp.StripeEventJson("checkout.session.completed");
        var anHourAgo = app.Clock.GetUtcNow().AddHours(-1).ToUnixTimeSeconds();

        using var response = await app.PostStripeEventAsync(firm.Key, body, signatureHeader: global::Stripe.EventUtility.GenerateSignatureHeader(body, StripePortalApp.WebhookSecret, anHourAgo));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await app.InboxAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_new_signing_secret_is_used_at_once_and_the_old_one_refused()
    {
        var firm = await AConnectedFirmAsync();
        using var before = await app.PostStripeEventAsync(firm.Key, StripePortalApp.StripeEventJson("checkout.session.completed", "evt_old_secret"));
        const string newSecret = "whsec_rotated_0123456789abcdef";

        await app.ConnectStripeAsync(firm, ProviderMode.Test, "sk_test_abcdef123456", webhookSecret: newSecret);
        using var withNew = await app.PostStripeEventAsync(firm.Key, StripePortalApp.StripeEventJson("checkout.session.completed", "evt_new_secret"), secret: newSecret);
        using var withOld = await app.PostStripeEventAsync(firm.Key, StripePortalApp.StripeEventJson("checkout.session.completed", "evt_old_again"));

        (before.StatusCode, withNew.StatusCode, withOld.StatusCode).ShouldBe((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest));
        (await app.InboxAsync()).Select(e => e.ProviderEventId).Order().ShouldBe(["evt_new_secret", "evt_old_secret"]);
    }

    [Fact]
    public async Task Unknown_firm_is_refused_with_400()
    {
        await AConnectedFirmAsync();
        var unconnected = await app.AFirmAsync();

        using var unknown = await app.PostStripeEventAsync("no-such-firm", StripePortalApp.StripeEventJson("checkout.session.completed"));
        using var notConnected = await app.PostStripeEventAsync(unconnected.Key, StripePortalApp.StripeEventJson("checkout.session.completed"));

        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        notConnected.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await app.InboxAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Oversize_body_is_refused_with_413()
    {
        var firm = await AConnectedFirmAsync();
        var padding = new string('x', StripeWebhookEndpoint.MaxBodyBytes);
        var body = StripePortalApp.StripeEventJson("checkout.session.completed", dataObject: new JsonObject { ["id"] = "cs_big", ["object"] = "checkout.session", ["description"] = padding });

        using var response = await app.PostStripeEventAsync(firm.Key, body);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await app.InboxAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Replayed_event_is_stored_once_and_applied_once()
    {
        var firm = await AConnectedFirmAsync();
        var body = StripePortalApp.StripeEventJson(WebhookTestApp.Counted, "evt_replayed");

        using var first = await app.PostStripeEventAsync(firm.Key, body);
        await app.ProcessWebhooksAsync();
        using var again = await app.PostStripeEventAsync(firm.Key, body);
        await app.ProcessWebhooksAsync();

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var stored = (await app.InboxAsync()).ShouldHaveSingleItem();
        stored.Status.ShouldBe(WebhookEventStatus.Applied);
        app.Journal.Calls["evt_replayed"].ShouldBe(1);
    }

    [Fact]
    public async Task Webhook_does_not_need_a_signed_in_user_or_an_antiforgery_token()
    {
        var firm = await AConnectedFirmAsync();
        using var anonymous = app.AnonymousSession();
        using var response = await app.PostStripeEventAsync(firm.Key, StripePortalApp.StripeEventJson("checkout.session.expired"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
