using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Domain.Payments;
using Portal.Data;
using Portal.Integrations;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;
using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

public sealed class WebhookProcessorTests(WebhookTestApp app) : IClassFixture<WebhookTestApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<TestFirm> AFirmWithEventsAsync(params (string Id, string Type)[] events)
    {
        var firm = await app.AFirmAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var inbox = scope.ServiceProvider.GetRequiredService<WebhookInbox>();
        foreach (var (id, type) in events)
            (await inbox.StoreAsync(PaymentProvider.Stripe, id, firm.Id, type, StripePortalApp.StripeEventJson(type, id))).ShouldBeTrue();
        return firm;
    }

    private async Task<WebhookEvent> StoredAsync(string eventId) => (await app.InboxAsync()).Single(e => e.ProviderEventId == eventId);

    [Fact]
    public async Task Failing_event_is_retried_then_parked_with_its_error()
    {
        await AFirmWithEventsAsync(("evt_poison", WebhookTestApp.AlwaysFails));

        // The test app retries at once and parks after 3 attempts.
        await app.ProcessWebhooksAsync();
        var afterOne = await StoredAsync("evt_poison");
        (afterOne.Status, afterOne.Attempts).ShouldBe((WebhookEventStatus.Pending, 1));
        await app.ProcessWebhooksAsync();
        await app.ProcessWebhooksAsync();
        await app.ProcessWebhooksAsync();

        var parked = await StoredAsync("evt_poison");
        parked.Status.ShouldBe(WebhookEventStatus.Parked);
        parked.Attempts.ShouldBe(3);
        parked.LastError.ShouldBe("InvalidOperationException: The handler always fails");
        app.Journal.Calls["evt_poison"].ShouldBe(3);
    }

    [Fact]
    public async Task Transient_failures_are_retried_until_the_event_applies()
    {
        await AFirmWithEventsAsync(("evt_flaky", WebhookTestApp.FailsTwice));

        for (var i = 0; i < 3; i++)
            await app.ProcessWebhooksAsync();

        var applied = await StoredAsync("evt_flaky");
        (applied.Status, applied.Attempts, applied.LastError).ShouldBe((WebhookEventStatus.Applied, 3, null));
    }

    [Fact]
    public void Retry_delay_doubles_after_each_failure_up_to_a_ceiling()
    {
        var options = new WebhookOptions { FirstRetryDelay = TimeSpan.FromSeconds(10), MaxRetryDelay = TimeSpan.FromMinutes(1) };
        options.RetryDelay(1).ShouldBe(TimeSpan.FromSeconds(10));
        options.RetryDelay(2).ShouldBe(TimeSpan.FromSeconds(20));
        options.RetryDelay(3).ShouldBe(TimeSpan.FromSeconds(40));
        options.RetryDelay(4).ShouldBe(TimeSpan.FromMinutes(1));
        options.RetryDelay(50).ShouldBe(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Event_types_without_a_handler_are_ignored()
    {
        await AFirmWithEventsAsync(("evt_unknown", "customer.tax_id.created"));
        await app.ProcessWebhooksAsync();
        var ignored = await StoredAsync("evt_unknown");
        (ignored.Status, ignored.Attempts).ShouldBe((WebhookEventStatus.Ignored, 1));
    }

    [Fact]
    public async Task Parked_event_retried_by_an_admin_is_applied()
    {
        var firm = await AFirmWithEventsAsync(("evt_fixed_later", WebhookTestApp.FailsTwice));
        await using (var db = app.OpenDb())
        {
            // Parked after two failures, as if the handler had been broken until a fix was deployed.
            var stored = db.WebhookEvents.IgnoreQueryFilters().Single(e => e.ProviderEventId == "evt_fixed_later");
            stored.Fail("broken", maxAttempts: 1, TimeSpan.Zero, app.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        }
        app.Journal.Record("evt_fixed_later");
        app.Journal.Record("evt_fixed_later");
        await app.ProcessWebhooksAsync();
        (await StoredAsync("evt_fixed_later")).Status.ShouldBe(WebhookEventStatus.Parked);

        var id = (await StoredAsync("evt_fixed_later")).Id;
        await app.AsStaffOfAsync<WebhookAdministration>(firm, admin => admin.RetryAsync(id));
        await app.ProcessWebhooksAsync();

        (await StoredAsync("evt_fixed_later")).Status.ShouldBe(WebhookEventStatus.Applied);
    }

    [Fact]
    public async Task Webhook_events_page_lists_events_with_retry_for_parked_ones_only_to_their_firm()
    {
        var firm = await AFirmWithEventsAsync(("evt_page_poison", WebhookTestApp.AlwaysFails), ("evt_page_ok", WebhookTestApp.Counted));
        var other = await AFirmWithEventsAsync(("evt_other_firm", WebhookTestApp.Counted));
        for (var i = 0; i < 3; i++)
            await app.ProcessWebhooksAsync();

        using var owner = await app.SignInAsync(firm.Owner);
        var (status, html) = await owner.GetPageAsync("/staff/webhooks");

        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("evt_page_poison");
        html.ShouldContain("evt_page_ok");
        html.ShouldContain("The handler always fails");
        html.ShouldContain("data-testid=\"webhook-retry\"");
        html.ShouldNotContain("evt_other_firm");
        other.ShouldNotBeNull();
    }

    [Fact]
    public async Task Two_processors_in_parallel_apply_each_event_exactly_once()
    {
        var events = Enumerable.Range(0, 60).Select(i => ($"evt_parallel_{i:D3}", WebhookTestApp.Held)).ToArray();
        await AFirmWithEventsAsync(events);
        var processor = app.Services.GetRequiredService<WebhookProcessor>();
        // What one processor claims in a pass: a batch under row locks on PostgreSQL, one event at a time on SQLite.
        app.Journal.HoldUntilStarted = PortalApp.DatabaseUnderTest == DatabaseProvider.Postgres
            ? app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value.BatchSize
            : 1;

        var counts = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => processor.ProcessDueAsync())));

        app.Journal.HoldReleased.ShouldBeTrue("the second processor should have claimed events while the first one's were being applied");
        counts.Sum().ShouldBe(events.Length);
        counts.ShouldAllBe(c => c > 0, "both processors should have taken part");
        foreach (var (id, _) in events)
            app.Journal.Calls[id].ShouldBe(1, id);
        (await app.InboxAsync()).ShouldAllBe(e => e.Status == WebhookEventStatus.Applied && e.Attempts == 1);
    }
}
