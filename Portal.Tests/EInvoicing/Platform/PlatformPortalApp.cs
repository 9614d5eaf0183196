using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Portal.EInvoicing;
using Portal.EInvoicing.Platform;
using Portal.Providers.InAppSandbox;
using Portal.Tests.Fixture;

namespace Portal.Tests.EInvoicing.Platform;

/// <summary>Portal with the sandbox approved platform mounted in-process, as `dotnet run` has it.</summary>
public class PlatformPortalApp : PortalApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Sandbox:Enabled", "true");
        builder.UseSetting("Sandbox:Ticker", "false");
        builder.UseSetting("EInvoicing:Platform:RetryBaseDelay", "00:00:00.010");
    }

    public Uri PlatformBaseUrl => Services.GetRequiredService<InAppSandbox>().PlatformApiBase;

    /// <summary>Connects <paramref name="firm"/> the way its owner would on the Integrations page.</summary>
    public Task ConnectPlatformAsync(TestFirm firm, string clientId, string clientSecret, string? baseUrl = null) =>
        this.AsStaffOfAsync<PlatformConnections>(firm, c => c.SaveAsync(baseUrl ?? PlatformBaseUrl.ToString(), clientId, clientSecret));

    /// <summary>The test's own client on the in-app platform, with the same credentials as the firm's.</summary>
    public PlatformClient PlatformClient(string clientId, string clientSecret) =>
        Services.GetRequiredService<PlatformClients>().For(new PlatformConnectionInfo(PlatformBaseUrl, clientId, clientSecret));

    public static string NewClientId() => "sandbox_" + Guid.NewGuid().ToString("N");
}
