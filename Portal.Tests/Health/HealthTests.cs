using System.Net;
using Portal.Tests.Fixture;

namespace Portal.Tests.Health;

public sealed class HealthTests(PortalApp app) : IClassFixture<PortalApp>
{
    [Fact]
    public async Task Health_endpoint_reports_the_database_healthy()
    {
        using var session = app.AnonymousSession();
        var (status, body) = await session.GetPageAsync("/health");
        status.ShouldBe(HttpStatusCode.OK);
        body.ShouldBe("Healthy");
    }
}
