using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Portal.Demo;
using Portal.Security;
using Portal.Tests.Fixture;

namespace Portal.Tests.Providers;

/// <summary>
/// The provider sandbox takes no real money, so a Production deployment never runs it (nor the demo firm, whose
/// logins are published) unless it declares itself a public demo; asked to, it refuses to start and says why.
/// </summary>
public sealed class SandboxInProductionTests
{
    private static readonly string Certificate = NewCertificate();

    [Theory]
    [InlineData("Sandbox:Enabled", "true")]
    [InlineData("Providers:Mode", "Sandbox")]
    public async Task Production_refuses_to_start_with_the_sandbox_switched_on(string setting, string value)
    {
        var production = new ProductionApp((setting, value));

        var refusal = await Should.ThrowAsync<InvalidOperationException>(production.InitializeAsync);
        await ((IAsyncLifetime)production).DisposeAsync();

        refusal.Message.ShouldContain("Production");
        refusal.Message.ShouldContain(DemoOptions.PublicDemoSetting);
    }

    [Fact]
    public async Task Production_runs_without_the_sandbox_and_without_the_demo_firm()
    {
        await RunningAsync(new ProductionApp(), async (app, http) =>
        {
            (await http.GetAsync("/sandbox/stripe/v1/customers")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            await using var db = app.OpenDb();
            (await db.Firms.IgnoreQueryFilters().AnyAsync()).ShouldBeFalse();
        });
    }

    [Fact]
    public async Task A_public_demo_runs_the_sandbox_and_the_demo_firm_in_Production()
    {
        await RunningAsync(new ProductionApp(("Sandbox:Enabled", "true"), (DemoOptions.PublicDemoSetting, "true")), async (app, http) =>
        {
            // Mounted: it answers, and asks for a key as Stripe does.
            (await http.GetAsync("/sandbox/stripe/v1/customers")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            await using var db = app.OpenDb();
            (await db.Firms.IgnoreQueryFilters().Select(f => f.Key).ToListAsync()).ShouldBe([DemoData.FirmKey]);
        });
    }

    private static async Task RunningAsync(ProductionApp app, Func<ProductionApp, HttpClient, Task> check)
    {
        try
        {
            await app.InitializeAsync();
            using var http = new HttpClient { BaseAddress = app.BaseUrl };
            await check(app, http);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    private static string NewCertificate()
    {
        var folder = Directory.CreateTempSubdirectory("portal-production-").FullName;
        var path = Path.Combine(folder, "keyring.pfx");
        KeyRingProtection.CreateCertificate(path, "keyring", TimeProvider.System);
        return path;
    }

    /// <summary>The app in the Production environment with a key-ring certificate, as an operator deploys it; demo seeding asked for, as appsettings.json does.</summary>
    private sealed class ProductionApp(params (string Key, string Value)[] settings) : PortalApp
    {
        protected override bool SeedDemoData => true;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
            builder.UseSetting(KeyRingProtection.CertificatePath, Certificate);
            builder.UseSetting(KeyRingProtection.CertificatePassword, "keyring");
            // Behind a TLS-terminating proxy in real life; the test talks plain HTTP to Kestrel.
            builder.UseSetting("Hosting:HttpsOnly", "false");
            foreach (var (key, value) in settings)
                builder.UseSetting(key, value);
        }
    }
}
