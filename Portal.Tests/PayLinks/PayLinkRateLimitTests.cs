using System.Net;
using Microsoft.AspNetCore.Hosting;
using Portal.Tests.Fixture;

namespace Portal.Tests.PayLinks;

/// <summary>Guessing pay link tokens, or flooding the fresh-link form, from one address soon meets 429.</summary>
public sealed class PayLinkRateLimitTests(PayLinkRateLimitTests.StrictApp app) : IClassFixture<PayLinkRateLimitTests.StrictApp>
{
    public sealed class StrictApp : PortalApp
    {
        public const int PerMinute = 5;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("PayLinks:RequestsPerMinute", PerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Opening_links_and_asking_for_fresh_ones_share_a_per_address_limit()
    {
        using var guesser = app.AnonymousSession();
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < StrictApp.PerMinute; attempt++)
        {
            using var response = await guesser.GetAsync("/pay/" + Guid.NewGuid().ToString("N"));
            statuses.Add(response.StatusCode);
        }
        statuses.ShouldAllBe(s => s == HttpStatusCode.Redirect);

        using var opened = await guesser.GetAsync("/pay/one-more-guess");
        using var asked = await guesser.Http.PostAsync("/pay/fresh-link", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "a@b.test" }));

        opened.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        asked.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        // The dead-link page itself is not the limited part: a person who was stopped can still read it.
        (await guesser.GetPageAsync("/pay/link-invalid")).Status.ShouldBe(HttpStatusCode.OK);
    }
}
