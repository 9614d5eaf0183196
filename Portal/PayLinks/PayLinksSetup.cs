using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Portal.PayLinks;

public sealed class PayLinkOptions
{
    /// <summary>Pay link openings and fresh-link requests allowed per client address per minute.</summary>
    public int RequestsPerMinute { get; set; } = 30;
}

public static class PayLinksSetup
{
    public const string RateLimitPolicy = "pay-links";

    public static IServiceCollection AddPayLinks(this IServiceCollection services)
    {
        services.AddOptions<PayLinkOptions>().BindConfiguration("PayLinks");
        services.AddScoped<PayLinks>();
        services.AddSingleton<PayLinkTokens>();
        services.AddSingleton<PayLinkMail>();
        services.AddScoped<FreshLinkRequests>();
        services.AddSingleton<GuestSessions>();
        services.AddScoped<GuestCheckouts>();
        // Guessing tokens or flooding the fresh-link form goes through these few endpoints: limit them per address.
        services.Configure<RateLimiterOptions>(options => options.AddPolicy(RateLimitPolicy, http =>
        {
            var permits = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<PayLinkOptions>>().Value.RequestsPerMinute;
            var address = http.Connection.RemoteIpAddress ?? IPAddress.None;
            return RateLimitPartition.GetFixedWindowLimiter($"pay|{address}",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
        }));
        return services;
    }
}
