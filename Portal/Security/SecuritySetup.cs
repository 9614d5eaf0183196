using System.Net;
using System.Threading.RateLimiting;

namespace Portal.Security;

public sealed class SecurityOptions
{
    /// <summary>Sign-in, magic-link and sign-up form posts allowed per client address per minute.</summary>
    public int SignInPostsPerMinute { get; set; } = 10;
}

public static class SecuritySetup
{
    private static readonly string[] ThrottledPaths = ["/Account/Login", "/Account/MagicLink", "/Account/SignUp", "/Account/ForgotPassword", "/Account/LoginWith2fa"];

    public static IServiceCollection AddPortalSecurity(this IServiceCollection services)
    {
        services.AddOptions<SecurityOptions>().BindConfiguration("Security");
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Password guessing and email bombing go through a handful of form posts: limit those per address.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                if (!HttpMethods.IsPost(http.Request.Method) || !ThrottledPaths.Any(p => http.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
                    return RateLimitPartition.GetNoLimiter("");
                var permits = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityOptions>>().Value.SignInPostsPerMinute;
                var address = http.Connection.RemoteIpAddress ?? IPAddress.None;
                return RateLimitPartition.GetFixedWindowLimiter($"{address}|{http.Request.Path.Value?.ToLowerInvariant()}",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            options.OnRejected = async (context, token) =>
            {
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync("Too many attempts. Please wait a minute and try again.", token);
            };
        });
        return services;
    }

    public static IApplicationBuilder UsePortalSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        // MudBlazor sets inline styles; scripts come only from this origin.
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'";
        // The API reference (third-party UI) starts with an inline script: that page alone allows it by its nonce.
        if (http.Request.Path.StartsWithSegments(Portal.Api.ApiDocs.DocsPath))
            Portal.Api.ApiDocs.RelaxContentSecurityPolicy(http);
        await next();
    });
}
