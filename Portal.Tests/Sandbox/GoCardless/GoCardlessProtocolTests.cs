using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Portal.Tests.Sandbox.GoCardless;

public sealed class GoCardlessProtocolTests
{
    [Fact]
    public async Task Creditors_answer_for_a_test_connection()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();

        var creditors = await bed.GetAsync("creditors");

        creditors.Status.ShouldBe(HttpStatusCode.OK);
        var creditor = creditors.Body["creditors"]!.AsArray().ShouldHaveSingleItem()!;
        creditor["id"]!.GetValue<string>().ShouldStartWith("CR");
        creditor["name"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task An_unknown_token_is_refused_with_authentication_failed()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        using var stranger = GoCardlessTestbed.ClientFor(bed.Sandbox, "someone_elses_token");

        using var response = await stranger.GetAsync("creditors");
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        body["error"]!["code"]!.GetValue<int>().ShouldBe(401);
        body["error"]!["errors"]![0]!["reason"]!.GetValue<string>().ShouldBe("authentication_failed");
        body.ToJsonString().ShouldNotContain("someone_elses_token");
    }

    [Fact]
    public async Task A_missing_version_header_is_refused_with_a_clear_error()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        using var versionless = GoCardlessTestbed.ClientFor(bed.Sandbox, bed.Token, version: null);

        using var response = await versionless.GetAsync("creditors");
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        body["error"]!["errors"]![0]!["reason"]!.GetValue<string>().ShouldBe("missing_version_header");
        body["error"]!["message"]!.GetValue<string>().ShouldContain("GoCardless-Version");
    }

    [Fact]
    public async Task Injected_rate_limits_answer_429_with_rate_limit_headers_then_recover()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        await bed.Control.InjectFaultAsync("rate_limit", count: 2);

        var first = await bed.GetAsync("creditors");
        var second = await bed.GetAsync("creditors");
        var third = await bed.GetAsync("creditors");

        first.Status.ShouldBe(HttpStatusCode.TooManyRequests);
        first.ErrorReason.ShouldBe("rate_limit_reached");
        first.Raw.Headers.GetValues("RateLimit-Limit").Single().ShouldBe("1000");
        first.Raw.Headers.GetValues("RateLimit-Remaining").Single().ShouldBe("0");
        DateTimeOffset.Parse(first.Raw.Headers.GetValues("RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeGreaterThan(bed.Clock.GetUtcNow().AddSeconds(-5));
        second.Status.ShouldBe(HttpStatusCode.TooManyRequests);
        third.Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_injected_server_error_does_not_create_anything()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var mandateId = await bed.ActiveMandateAsync();
        await bed.Control.InjectFaultAsync("server_error", method: "POST", pathContains: "/payments");

        var failed = await bed.CreatePaymentAsync(mandateId, idempotencyKey: "k-1");
        var retried = await bed.CreatePaymentAsync(mandateId, idempotencyKey: "k-1");

        failed.Status.ShouldBe(HttpStatusCode.InternalServerError);
        failed.Body["error"]!["type"]!.GetValue<string>().ShouldBe("gocardless");
        retried.Status.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Events_can_be_filtered_by_resource_type_and_creation_time()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var mandateId = await bed.ActiveMandateAsync();
        var afterMandate = (await bed.GetAsync("events?limit=1")).Body["events"]![0]!["created_at"]!.GetValue<string>();
        await Task.Delay(5); // the next events must carry a later millisecond than the cursor time
        var payment = (await bed.CreatePaymentAsync(mandateId)).Body["payments"]!["id"]!.GetValue<string>();

        var payments = (await bed.GetAsync("events?resource_type=payments")).Body["events"]!.AsArray();
        var later = (await bed.GetAsync($"events?created_at[gt]={Uri.EscapeDataString(afterMandate)}")).Body["events"]!.AsArray();
        var mandates = (await bed.GetAsync($"events?mandate={mandateId}")).Body["events"]!.AsArray();
        var single = (await bed.GetAsync($"events/{payments[0]!["id"]}")).Body["events"]!;

        payments.ShouldHaveSingleItem()!["links"]!["payment"]!.GetValue<string>().ShouldBe(payment);
        later.Select(e => e!["resource_type"]!.GetValue<string>()).ShouldBe(["payments"]);
        mandates.Select(e => e!["action"]!.GetValue<string>()).ShouldBe(["active", "created"]);
        single["action"]!.GetValue<string>().ShouldBe("created");
    }

    [Fact]
    public async Task Unknown_paths_and_resources_answer_404_in_the_error_model()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();

        var path = await bed.GetAsync("subscriptions");
        var resource = await bed.GetAsync("payments/PM000MISSING");

        path.Status.ShouldBe(HttpStatusCode.NotFound);
        resource.Status.ShouldBe(HttpStatusCode.NotFound);
        resource.Body["error"]!["type"]!.GetValue<string>().ShouldBe("invalid_api_usage");
    }
}
