using System.Net;
using System.Net.Http.Headers;
using Portal.Sandbox;
using Stripe;
using Stripe.Checkout;

namespace Portal.Tests.Sandbox.Stripe;

public sealed class StripeProtocolTests
{
    [Fact]
    public async Task The_same_idempotency_key_and_body_replays_the_first_answer()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var key = new RequestOptions { IdempotencyKey = "invoice-42-attempt-1" };

        var first = await bed.CreateSessionAsync(requestOptions: key);
        var second = await bed.CreateSessionAsync(requestOptions: key);

        second.Id.ShouldBe(first.Id);
        (await bed.Client.V1.Checkout.Sessions.ListAsync()).Data.Count.ShouldBe(1);
        second.StripeResponse.Headers.Contains("Idempotent-Replayed").ShouldBeTrue();
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_body_is_refused()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var key = new RequestOptions { IdempotencyKey = "invoice-42-attempt-1" };
        await bed.CreateSessionAsync(amount: 1_000, requestOptions: key);

        var error = await Should.ThrowAsync<StripeException>(() => bed.CreateSessionAsync(amount: 2_000, requestOptions: key));

        error.HttpStatusCode.ShouldBe(HttpStatusCode.BadRequest);
        error.StripeError.Type.ShouldBe("idempotency_error");
    }

    [Fact]
    public async Task Unknown_and_live_keys_are_refused_with_401()
    {
        await using var bed = await StripeTestbed.StartAsync();

        var unknown = await Should.ThrowAsync<StripeException>(() => StripeTestbed.ClientFor(bed.Sandbox, "not_a_key_1234").V1.Accounts.GetSelfAsync());
        var live = await Should.ThrowAsync<StripeException>(() => StripeTestbed.ClientFor(bed.Sandbox, "sk_live_abcdef123456").V1.Accounts.GetSelfAsync());
        using var anonymous = new HttpClient();
        using var missing = await anonymous.GetAsync(new Uri(bed.Sandbox.BaseUrl, "sandbox/stripe/v1/account"));

        unknown.HttpStatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        unknown.StripeError.Message.ShouldNotContain("not_a_key");
        live.HttpStatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        live.StripeError.Message.ShouldContain("Live mode keys are not accepted");
        missing.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        missing.Headers.Contains("Request-Id").ShouldBeTrue();
    }

    [Fact]
    public async Task Any_test_key_opens_its_own_account()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var other = StripeTestbed.ClientFor(bed.Sandbox, "rk_test_other_firm");

        var mine = await bed.Client.V1.Accounts.GetSelfAsync();
        var theirs = await other.V1.Accounts.GetSelfAsync();
        await bed.CreateSessionAsync();

        mine.Id.ShouldStartWith("acct_");
        mine.BusinessProfile.Name.ShouldNotBeNullOrEmpty();
        theirs.Id.ShouldNotBe(mine.Id);
        (await other.V1.Checkout.Sessions.ListAsync()).Data.ShouldBeEmpty();
    }

    [Fact]
    public async Task Lists_page_newest_first_with_starting_after_and_ending_before()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await bed.CreateSessionAsync(invoiceId: i.ToString())).Id);
        }

        var newestFirst = Enumerable.Reverse(created).ToList();

        var first = await bed.Client.V1.Checkout.Sessions.ListAsync(new SessionListOptions { Limit = 2 });
        var second = await bed.Client.V1.Checkout.Sessions.ListAsync(new SessionListOptions { Limit = 2, StartingAfter = first.Data[^1].Id });
        var last = await bed.Client.V1.Checkout.Sessions.ListAsync(new SessionListOptions { Limit = 2, StartingAfter = second.Data[^1].Id });
        var back = await bed.Client.V1.Checkout.Sessions.ListAsync(new SessionListOptions { Limit = 2, EndingBefore = last.Data[0].Id });
        var all = new List<string>();
        await foreach (var session in bed.Client.V1.Checkout.Sessions.ListAutoPagingAsync(new SessionListOptions { Limit = 2 }))
        {
            all.Add(session.Id);
        }

        first.Data.Select(s => s.Id).ShouldBe(newestFirst[..2]);
        first.HasMore.ShouldBeTrue();
        second.Data.Select(s => s.Id).ShouldBe(newestFirst[2..4]);
        last.Data.Select(s => s.Id).ShouldBe(newestFirst[4..]);
        last.HasMore.ShouldBeFalse();
        back.Data.Select(s => s.Id).ShouldBe(newestFirst[2..4]);
        back.HasMore.ShouldBeTrue();
        all.ShouldBe(newestFirst);
    }

    [Fact]
    public async Task Events_can_be_listed_by_type_and_read_back()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var before = bed.Clock.GetUtcNow().UtcDateTime.AddMinutes(-1);
        var session = await bed.PaidSessionAsync();

        var completed = await bed.Client.V1.Events.ListAsync(new EventListOptions { Type = EventTypes.CheckoutSessionCompleted });
        var several = await bed.Client.V1.Events.ListAsync(new EventListOptions
        {
            Types = [EventTypes.ChargeSucceeded, EventTypes.PaymentIntentSucceeded],
            Created = new DateRangeOptions { GreaterThanOrEqual = before },
        });
        var none = await bed.Client.V1.Events.ListAsync(new EventListOptions { Created = new DateRangeOptions { GreaterThan = bed.Clock.GetUtcNow().UtcDateTime.AddMinutes(5) } });

        var completedEvent = completed.Data.ShouldHaveSingleItem();
        ((Session)completedEvent.Data.Object).Id.ShouldBe(session.Id);
        several.Data.Select(e => e.Type).ShouldBe([EventTypes.PaymentIntentSucceeded, EventTypes.ChargeSucceeded]);
        none.Data.ShouldBeEmpty();
        (await bed.Client.V1.Events.GetAsync(completedEvent.Id)).Type.ShouldBe(EventTypes.CheckoutSessionCompleted);
    }

    [Fact]
    public async Task A_webhook_endpoint_created_through_the_api_gets_its_own_signed_events()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var endpoint = await bed.Client.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = bed.Receiver.UrlFor("/api-endpoint"),
            EnabledEvents = [EventTypes.CheckoutSessionCompleted],
        });

        await bed.PaidSessionAsync();

        endpoint.Secret.ShouldStartWith("whsec_");
        var delivered = await bed.Receiver.WaitForAsync(w => w.Path == "/api-endpoint");
        var verified = EventUtility.ConstructEvent(delivered.Body, delivered.Header("Stripe-Signature"), endpoint.Secret, tolerance: 300, utcNow: bed.Clock.GetUtcNow().ToUnixTimeSeconds());
        verified.Type.ShouldBe(EventTypes.CheckoutSessionCompleted);
        (await bed.Client.V1.WebhookEndpoints.ListAsync()).Data.Select(e => e.Id).ShouldContain(endpoint.Id);
        (await bed.Client.V1.WebhookEndpoints.DeleteAsync(endpoint.Id)).Deleted.ShouldBe(true);
        (await bed.Client.V1.WebhookEndpoints.ListAsync()).Data.Select(e => e.Id).ShouldNotContain(endpoint.Id);
    }

    [Fact]
    public async Task An_injected_rate_limit_answers_429_once_then_the_api_works()
    {
        await using var bed = await StripeTestbed.StartAsync();
        await bed.Control.InjectFaultAsync("rate_limit", count: 1);

        var limited = await Should.ThrowAsync<StripeException>(() => bed.CreateSessionAsync());
        var created = await bed.CreateSessionAsync();

        limited.HttpStatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        created.Id.ShouldStartWith("cs_test_");
    }

    [Fact]
    public async Task Unknown_endpoints_answer_a_stripe_style_404()
    {
        await using var bed = await StripeTestbed.StartAsync();
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bed.ApiKey);

        using var response = await http.GetAsync(new Uri(bed.Sandbox.BaseUrl, "sandbox/stripe/v1/subscriptions"));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldContain("invalid_request_error");
    }

    [Fact]
    public async Task Missing_objects_answer_resource_missing()
    {
        await using var bed = await StripeTestbed.StartAsync();

        var error = await Should.ThrowAsync<StripeException>(() => bed.Client.V1.Checkout.Sessions.GetAsync("cs_test_missing"));

        error.HttpStatusCode.ShouldBe(HttpStatusCode.NotFound);
        error.StripeError.Code.ShouldBe("resource_missing");
    }

    [Fact]
    public async Task Sandbox_can_be_hosted_inside_another_app_with_its_options()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddPortalSandbox(o => o.DemoTicker = true);
        await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        ((SandboxOptions)provider.GetService(typeof(SandboxOptions))!).DemoTicker.ShouldBeTrue();
    }
}
