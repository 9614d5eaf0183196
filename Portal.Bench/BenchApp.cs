using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Email;
using Portal.Localization;
using Portal.Security;

namespace Portal.Bench;

/// <summary>The app's services on the bench's database, in Production mode, as a deployment would run them.</summary>
internal static class BenchApp
{
    /// <param name="name">Names the bench's temporary data folder.</param>
    /// <param name="addServices">The feature services the workload calls, added after the data layer.</param>
    public static async Task<WebApplication> StartAsync(string connectionString, string name, Action<IServiceCollection> addServices)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Database:Provider"] = nameof(DatabaseProvider.Postgres);
        builder.Configuration["ConnectionStrings:Portal"] = connectionString;
        var folder = Directory.CreateTempSubdirectory($"portal-bench-{name}-").FullName;
        builder.Configuration["Data:Folder"] = folder;
        // Outside Development the key ring must be encrypted: the bench brings its own certificate, as a deployment mounts one.
        var certificate = Path.Combine(folder, "key-ring.pfx");
        KeyRingProtection.CreateCertificate(certificate, "bench", TimeProvider.System);
        builder.Configuration[KeyRingProtection.CertificatePath] = certificate;
        builder.Configuration[KeyRingProtection.CertificatePassword] = "bench";
        // Per-command logging would cost more than the commands.
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddPortalData();
        builder.Services.AddSingleton(TimeProvider.System);
        // Money operations queue emails to the client (receipts, notices); nothing sends them, as the host never starts.
        builder.Services.AddPortalLocalization().AddPortalEmail(builder.Configuration);
        addServices(builder.Services);
        var app = builder.Build();
        await app.MigratePortalDatabaseAsync();
        return app;
    }
}
