using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.Sandbox;

// The sandbox on its own Kestrel (127.0.0.1, a free port): for conformance tests and for trying the portal by hand.
public static class SandboxHost
{
    public static async Task<RunningSandbox> StartAsync(Action<SandboxOptions>? configure = null, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        builder.Services.AddPortalSandbox(configure);
        var app = builder.Build();
        app.MapPortalSandbox();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new RunningSandbox(app, new Uri(address));
    }
}

public sealed class RunningSandbox(WebApplication app, Uri baseUrl) : IAsyncDisposable
{
    // e.g. http://127.0.0.1:PORT; Stripe.net's ApiBase is {BaseUrl}sandbox/stripe.
    public Uri BaseUrl { get; } = baseUrl;

    public IServiceProvider Services => app.Services;

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
