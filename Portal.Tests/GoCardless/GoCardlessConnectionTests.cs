using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.GoCardless;

namespace Portal.Tests.GoCardless;

public sealed class GoCardlessConnectionTests
{
    [Fact]
    public void Each_environment_has_its_own_base_url()
    {
        var options = new GoCardlessOptions { PortalSandboxUrl = new Uri("http://localhost:5000/sandbox/gocardless") };

        options.BaseUrlFor(GoCardlessEnvironment.Live).ShouldBe(new Uri("https://api.gocardless.com/"));
        options.BaseUrlFor(GoCardlessEnvironment.Sandbox).ShouldBe(new Uri("https://api-sandbox.gocardless.com/"));
        new GoCardlessConnection(options.BaseUrlFor(GoCardlessEnvironment.PortalSandbox), "sandbox_x").BaseUrl
            .ShouldBe(new Uri("http://localhost:5000/sandbox/gocardless/"));
        Should.Throw<InvalidOperationException>(() => new GoCardlessOptions().BaseUrlFor(GoCardlessEnvironment.PortalSandbox));
    }

    [Fact]
    public void A_connection_shows_only_a_masked_token()
    {
        var connection = new GoCardlessConnection(new Uri("https://api.gocardless.com/"), "live_AbCdEfGhIjKlMnOpQrStUvWxYz1234");

        connection.MaskedToken.ShouldBe("live_…1234");
        connection.ToString().ShouldNotContain("AbCdEfGh");
        GoCardlessConnection.MaskToken("short").ShouldBe("…");
    }

    [Fact]
    public async Task The_access_token_never_appears_in_the_clients_logs()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        await bed.Sandbox.Control.InjectFaultAsync("server_error", method: "POST", pathContains: "/payments");
        await bed.PaymentAsync(mandate);

        // Includes HttpClientFactory's own request logging, headers and all, at Trace.
        bed.Logs.Lines.ShouldContain(l => l.Category.StartsWith("System.Net.Http.HttpClient.GoCardless", StringComparison.Ordinal) && l.Message.Contains("Authorization", StringComparison.Ordinal));
        bed.Logs.Lines.ShouldContain(l => l.Message.Contains(bed.Client.Connection.MaskedToken, StringComparison.Ordinal));
        bed.Logs.Lines.ShouldAllBe(l => !l.Message.Contains(bed.Sandbox.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddGoCardless_binds_its_options_from_configuration()
    {
        await using var bed = await GoCardlessClientBed.StartAsync(settings: new Dictionary<string, string?> { ["GoCardless:MaxAttempts"] = "7" });

        bed.Client.Connection.BaseUrl.ShouldBe(new Uri(bed.Sandbox.Sandbox.BaseUrl, "sandbox/gocardless/"));
        bed.Services.GetRequiredService<IOptions<GoCardlessOptions>>().Value.MaxAttempts.ShouldBe(7);
    }

    [Fact]
    public async Task A_token_is_only_used_in_the_environment_it_belongs_to()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();

        Should.Throw<ArgumentException>(() => bed.Clients.For(GoCardlessEnvironment.PortalSandbox, "live_AbCdEfGhIjKlMnOp"));
        Should.Throw<ArgumentException>(() => bed.Clients.For(GoCardlessEnvironment.Sandbox, "live_AbCdEfGhIjKlMnOp"));
        Should.Throw<ArgumentException>(() => bed.Clients.For(GoCardlessEnvironment.Live, "sandbox_AbCdEfGhIjKlMnOp"));
        bed.Clients.For(GoCardlessEnvironment.Live, "live_AbCdEfGhIjKlMnOp").Connection.BaseUrl.ShouldBe(new Uri("https://api.gocardless.com/"));
    }

    [Fact]
    public void An_exhausted_rate_limit_holds_requests_until_its_reset()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
        var limits = new GoCardlessRateLimits(clock);
        using var exhausted = new HttpResponseMessage();
        exhausted.Headers.Add("RateLimit-Remaining", "0");
        exhausted.Headers.Add("RateLimit-Reset", "Fri, 20 Nov 2026 10:00:20 GMT");
        using var renewed = new HttpResponseMessage();
        renewed.Headers.Add("RateLimit-Remaining", "999");

        limits.Observe("sandbox_a", exhausted.Headers);
        var atOnce = limits.WaitFor("sandbox_a", TimeSpan.FromMinutes(1));
        var capped = limits.WaitFor("sandbox_a", TimeSpan.FromSeconds(5));
        var otherToken = limits.WaitFor("sandbox_b", TimeSpan.FromMinutes(1));
        clock.Advance(TimeSpan.FromSeconds(15));
        var later = limits.WaitFor("sandbox_a", TimeSpan.FromMinutes(1));
        limits.Observe("sandbox_a", renewed.Headers);
        var afterRenewal = limits.WaitFor("sandbox_a", TimeSpan.FromMinutes(1));

        // The reset is given in whole seconds, so the client waits one more to be past it.
        atOnce.ShouldBe(TimeSpan.FromSeconds(21));
        capped.ShouldBe(TimeSpan.FromSeconds(5));
        otherToken.ShouldBe(TimeSpan.Zero);
        later.ShouldBe(TimeSpan.FromSeconds(6));
        afterRenewal.ShouldBe(TimeSpan.Zero);
    }
}
