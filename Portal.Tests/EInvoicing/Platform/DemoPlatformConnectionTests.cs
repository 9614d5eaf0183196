using Microsoft.EntityFrameworkCore;
using Portal.Demo;
using Portal.EInvoicing;
using Portal.Tests.Fixture;

namespace Portal.Tests.EInvoicing.Platform;

/// <summary>The demo firm, as `dotnet run` seeds it, is connected to the in-app platform and the connection works.</summary>
public sealed class DemoPlatformConnectionTests : IAsyncLifetime
{
    private readonly DemoApp _app = new();

    public Task InitializeAsync() => ((IAsyncLifetime)_app).InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task The_demo_firm_is_connected_to_the_in_app_platform_and_its_test_succeeds()
    {
        // The connection names the emulator's address, known once the app listens: it is written just after start.
        var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        PlatformConnection? connection = null;
        while (connection is null)
        {
            await using (var db = _app.OpenDb())
                connection = await db.PlatformConnections.IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync();
            if (connection is null && DateTimeOffset.UtcNow > until)
                await _app.ExplainingFailureAsync(() => Task.FromException(new TimeoutException("The demo firm was never connected to the platform.")));
            // Polling the database, where the outcome shows; a short pause spares the two cores.
            await Task.Delay(50);
        }
        var demo = new TestFirm(connection.FirmId, DemoData.FirmKey, new TestLogin("", "", ""), new TestLogin("", "", ""));

        var check = await _app.AsStaffOfAsync<PlatformConnections, PlatformConnectionCheck>(demo, c => c.TestAsync());

        connection.BaseUrl.ShouldBe(_app.PlatformBaseUrl.ToString().TrimEnd('/'));
        connection.ClientId.ShouldBe(DemoData.SandboxPlatformClientId);
        connection.ClientSecretProtected.ShouldNotContain(DemoData.SandboxPlatformClientSecret);
        check.ShouldBe(new PlatformConnectionCheck(true, null));
    }

    private sealed class DemoApp : PlatformPortalApp
    {
        protected override bool SeedDemoData => true;
    }
}
