using System.Globalization;
using System.Net;
using Portal.Sandbox;

namespace Portal.Tests.Sandbox.GoCardless;

public sealed class GoCardlessRateLimitTests
{
    [Fact]
    public async Task A_creditor_over_its_request_budget_gets_429_until_the_window_resets()
    {
        await using var bed = await GoCardlessTestbed.StartAsync(o => o.GoCardless.RateLimit = new GoCardlessRateLimit(2, TimeSpan.FromMinutes(1)));

        var first = await bed.GetAsync("creditors");
        var second = await bed.GetAsync("creditors");
        var third = await bed.GetAsync("creditors");

        first.Status.ShouldBe(HttpStatusCode.OK);
        first.Raw.Headers.GetValues("RateLimit-Limit").Single().ShouldBe("2");
        first.Raw.Headers.GetValues("RateLimit-Remaining").Single().ShouldBe("1");
        second.Raw.Headers.GetValues("RateLimit-Remaining").Single().ShouldBe("0");
        third.Status.ShouldBe(HttpStatusCode.TooManyRequests);
        third.ErrorReason.ShouldBe("rate_limit_reached");
        var reset = DateTimeOffset.Parse(third.Raw.Headers.GetValues("RateLimit-Reset").Single(), CultureInfo.InvariantCulture);
        reset.ShouldBeGreaterThan(bed.Clock.GetUtcNow().AddSeconds(50));
        reset.ShouldBe(DateTimeOffset.Parse(first.Raw.Headers.GetValues("RateLimit-Reset").Single(), CultureInfo.InvariantCulture));
    }
}
