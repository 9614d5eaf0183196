using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.EntityFrameworkCore.Diagnostics;
using StackExchange.Redis;

namespace Portal.Live;

public static class LiveSetup
{
    /// <summary>
    /// The live outbox, its publisher, the hub and the notifier pages listen to. With <c>Redis:Connection</c> set,
    /// hub messages go through the SignalR Redis backplane and page updates through Redis pub/sub, so every
    /// instance hears every change; without it everything stays in this process.
    /// </summary>
    public static IServiceCollection AddLive(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<LiveSignal>();
        services.AddSingleton<LiveUpdates>();
        services.AddSingleton<IInterceptor, LiveOutboxInterceptor>();
        services.AddHostedService<LiveOutboxPublisher>();
        services.AddScoped<PaymentsToday>();
        services.AddScoped<LiveCircuit>();
        services.AddScoped<CircuitHandler>(sp => sp.GetRequiredService<LiveCircuit>());

        var signalR = services.AddSignalR();
        if (configuration["Redis:Connection"] is { Length: > 0 } redis)
        {
            signalR.AddStackExchangeRedis(redis, options => options.Configuration.ChannelPrefix = RedisChannel.Literal("portal"));
            // Redis starting later than the app, or restarting, is not fatal: the connection retries and the outbox waits.
            services.AddSingleton<IConnectionMultiplexer>(_ =>
            {
                var options = ConfigurationOptions.Parse(redis);
                options.AbortOnConnectFail = false;
                return ConnectionMultiplexer.Connect(options);
            });
            services.AddSingleton<RedisFanOut>();
            services.AddSingleton<ILiveFanOut>(sp => sp.GetRequiredService<RedisFanOut>());
            services.AddHostedService(sp => sp.GetRequiredService<RedisFanOut>());
        }
        else
        {
            services.AddSingleton<ILiveFanOut, InProcessFanOut>();
        }

        // A hub client is not a browser that can follow a redirect to the sign-in page: tell it plainly.
        services.ConfigureApplicationCookie(cookie =>
        {
            var redirectToLogin = cookie.Events.OnRedirectToLogin;
            cookie.Events.OnRedirectToLogin = context =>
            {
                if (!context.Request.Path.StartsWithSegments("/hubs"))
                    return redirectToLogin(context);
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                // The status code page would re-run this POST as a page, which antiforgery turns into a 400.
                if (context.HttpContext.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
                    statusCodePages.Enabled = false;
                return Task.CompletedTask;
            };
        });
        return services;
    }
}
