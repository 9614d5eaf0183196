using System.Net;
using Microsoft.AspNetCore.Hosting;
using Portal.Tests.Fixture;

namespace Portal.Tests.Api;

/// <summary>Each key has its own request budget per minute; past it, 429 with Retry-After, and other keys carry on.</summary>
public sealed class ApiRateLimitTests(ApiRateLimitTests.LimitedApp app) : IClassFixture<ApiRateLimitTests.LimitedApp>
{
    public const int Limit = 3;

    public sealed class LimitedApp : PortalApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Api:RequestsPerMinute", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task A_key_past_its_budget_gets_429_with_retry_after_while_another_key_is_served()
    {
        await app.ResetAsync();
        var firm = await app.AFirmAsync();
        var busy = await app.AnApiKeyAsync(firm, name: "Busy");
        var quiet = await app.AnApiKeyAsync(firm, name: "Quiet");
        using var busyHttp = app.ApiClient(busy.Secret);
        using var quietHttp = app.ApiClient(quiet.Secret);

        // The window is a fixed minute: should it turn during the loop, the key gets at most twice its budget before a refusal.
        var served = 0;
        HttpResponseMessage? refused = null;
        for (var i = 0; i <= 2 * Limit && refused is null; i++)
        {
            var response = await busyHttp.GetAsync("/api/v1/clients");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                refused = response;
            else
            {
                response.StatusCode.ShouldBe(HttpStatusCode.OK);
                served++;
            }
        }

        refused.ShouldNotBeNull();
        served.ShouldBeGreaterThanOrEqualTo(Limit);
        (await refused.ProblemCodeAsync()).ShouldBe("rate_limited");
        refused.Headers.RetryAfter.ShouldNotBeNull();
        refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(1, 60);
        (await quietHttp.GetAsync("/api/v1/clients")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
