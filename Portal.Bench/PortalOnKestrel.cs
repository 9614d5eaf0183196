extern alias PortalApp;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Data;
using Portal.Security;

namespace Portal.Bench;

/// <summary>
/// The whole Portal app (its Program, middleware and background services) on Kestrel with a loopback port, as the
/// test fixture hosts it, in Production mode on the bench database: no demo data, no in-app sandbox.
/// </summary>
internal sealed class PortalOnKestrel : WebApplicationFactory<PortalApp::Program>
{
    private readonly string _connectionString;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly string _dataFolder = Directory.CreateTempSubdirectory("portal-bench-app-").FullName;

    private static readonly Lazy<string> SharedCertificate = new(() =>
    {
        var certificate = Path.Combine(Directory.CreateTempSubdirectory("portal-bench-key-ring-").FullName, "key-ring.pfx");
        KeyRingProtection.CreateCertificate(certificate, "bench", TimeProvider.System);
        return certificate;
    });

    private PortalOnKestrel(string connectionString, IReadOnlyDictionary<string, string> settings) =>
        (_connectionString, _settings) = (connectionString, settings);

    public Uri BaseUrl { get; private set; } = default!;

    /// <param name="settings">Configuration on top of the bench's own, e.g. <c>Redis:Connection</c> for a second instance.</param>
    public static PortalOnKestrel Start(string connectionString, IReadOnlyDictionary<string, string>? settings = null)
    {
        var app = new PortalOnKestrel(connectionString, settings ?? new Dictionary<string, string>());
        app.UseKestrel(0);
        app.StartServer();
        app.BaseUrl = app.ClientOptions.BaseAddress;
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        // The Blazor script and MudBlazor's assets come from the build output, as in the tests: nothing is published.
        builder.UseStaticWebAssets();
        builder.UseSetting("Database:Provider", nameof(DatabaseProvider.Postgres));
        builder.UseSetting("ConnectionStrings:Portal", _connectionString);
        builder.UseSetting("Data:Folder", _dataFolder);
        builder.UseSetting("Email:PickupFolder", Path.Combine(_dataFolder, "mail"));
        builder.UseSetting("Demo:Seed", "false");
        builder.UseSetting("Sandbox:Enabled", "false");
        // Plain HTTP on loopback: cookies marked Secure would never come back to the app.
        builder.UseSetting("Hosting:HttpsOnly", "false");
        // Production refuses a key ring stored unencrypted: the bench brings its own certificate, as a deployment mounts
        // one, and the same one on every instance (a second instance could not read the key ring the first wrote).
        builder.UseSetting(KeyRingProtection.CertificatePath, SharedCertificate.Value);
        builder.UseSetting(KeyRingProtection.CertificatePassword, "bench");
        // Per-request logging would cost more than the requests, and would not be on in production either.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Warning");
        // Hundreds of contacts sign in from one loopback address within a minute.
        builder.UseSetting("Security:SignInPostsPerMinute", "100000");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(_dataFolder, recursive: true); } catch (IOException) { }
    }
}
