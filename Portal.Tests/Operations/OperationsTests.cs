using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Integrations;
using Portal.Operations;
using Portal.Security;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;
using Portal.Tests.Webhooks;

namespace Portal.Tests.Operations;

/// <summary>Health endpoints an orchestrator can use, production's HTTPS-only answers, and the business counters.</summary>
public sealed class OperationsTests(WebhookTestApp app) : IClassFixture<WebhookTestApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Live_and_ready_answer_healthy_and_no_answer_names_the_server()
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };

        using var live = await http.GetAsync("/health/live");
        using var ready = await http.GetAsync("/health/ready");
        using var page = await http.GetAsync("/Account/Login");

        (live.StatusCode, await live.Content.ReadAsStringAsync()).ShouldBe((HttpStatusCode.OK, "Healthy"));
        (ready.StatusCode, await ready.Content.ReadAsStringAsync()).ShouldBe((HttpStatusCode.OK, "Healthy"));
        foreach (var response in new[] { live, ready, page })
            response.Headers.Contains("Server").ShouldBeFalse();
    }

    [Fact]
    public async Task The_container_probe_succeeds_on_a_ready_app_and_fails_where_none_answers()
    {
        (await ReadinessProbe.RunAsync(new Uri(app.BaseUrl, "health/ready").ToString())).ShouldBe(0);
        (await ReadinessProbe.RunAsync(new Uri(app.BaseUrl, "no-such-page").ToString())).ShouldBe(1);
        (await ReadinessProbe.RunAsync("http://127.0.0.1:9/health/ready")).ShouldBe(1);
    }

    [Fact]
    public async Task Ready_fails_while_a_migration_is_missing_and_live_does_not()
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        await using var db = app.OpenDb();
        var last = (await db.Database.GetAppliedMigrationsAsync()).Last();
        await db.Database.ExecuteSqlAsync($"DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {last}");
        try
        {
            (await http.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await http.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await db.Database.ExecuteSqlAsync($"INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ({last}, '10.0.15')");
        }
        (await http.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Received_applied_and_failed_webhooks_are_counted()
    {
        using var counted = new CountedInstruments(app.Services.GetRequiredService<IMeterFactory>(), "portal.webhooks.received", "portal.webhooks.applied", "portal.webhooks.failed");
        var firm = await app.AFirmAsync();
        await app.ConnectStripeAsync(firm, ProviderMode.Test, "sk_test_abcdef123456");
        var body = StripePortalApp.StripeEventJson(WebhookTestApp.Counted, "evt_counted_1");

        (await app.PostStripeEventAsync(firm.Key, body)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.PostStripeEventAsync(firm.Key, body)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await app.ProcessWebhooksAsync();

        counted.Total("portal.webhooks.received").ShouldBe(1);
        counted.Total("portal.webhooks.applied").ShouldBe(1);
        counted.Total("portal.webhooks.failed").ShouldBe(0);
    }

    [Fact]
    public async Task Sent_emails_are_counted_those_with_a_secret_link_too()
    {
        using var counted = new CountedInstruments(app.Services.GetRequiredService<IMeterFactory>(), "portal.emails.sent", "portal.emails.failed");
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        using var visitor = app.AnonymousSession();

        (await visitor.SubmitFormAsync("/Account/MagicLink", "magic-link", new() { ["Input.Email"] = client.Contact.Email })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await app.LatestDeliveredToAsync(client.Contact.Email);

        (counted.Total("portal.emails.sent"), counted.Total("portal.emails.failed")).ShouldBe((1, 0));
    }

    [Fact]
    public async Task Production_sends_secure_cookies_and_hsts_to_a_client_behind_a_tls_proxy()
    {
        await using var production = new ProductionApp();
        await production.InitializeAsync();
        using var http = new HttpClient { BaseAddress = production.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        // The proxy on this machine (loopback is trusted by default) terminated TLS for portal.example.
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "portal.example");

        using var response = await http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Strict-Transport-Security").ShouldHaveSingleItem().ShouldContain("max-age=31536000");
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        cookies.ShouldNotBeEmpty();
        cookies.ShouldAllBe(cookie => cookie.Contains("secure", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Adds up what one app's instruments record (its meter factory's, not another test class's app's) while alive.</summary>
    private sealed class CountedInstruments : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _totals = [];

        public CountedInstruments(IMeterFactory appMeters, params string[] names)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PortalMetrics.MeterName && instrument.Meter.Scope == appMeters && names.Contains(instrument.Name))
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                lock (_totals)
                    _totals[instrument.Name] = _totals.GetValueOrDefault(instrument.Name) + value;
            });
            _listener.Start();
        }

        public long Total(string name)
        {
            lock (_totals)
                return _totals.GetValueOrDefault(name);
        }

        public void Dispose() => _listener.Dispose();
    }

    private sealed class ProductionApp : PortalApp
    {
        private static readonly string Certificate = Path.Combine(Directory.CreateTempSubdirectory("portal-production-").FullName, "key-ring.pfx");

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
            if (!File.Exists(Certificate))
                KeyRingProtection.CreateCertificate(Certificate, "production", TimeProvider.System);
            builder.UseSetting(KeyRingProtection.CertificatePath, Certificate);
            builder.UseSetting(KeyRingProtection.CertificatePassword, "production");
        }
    }
}
