using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Api;

/// <summary>
/// Each key gets its own window of <see cref="ApiOptions.RequestsPerMinute"/> requests, so one busy integration never
/// slows another firm's. Requests without a valid key share a window per address.
/// </summary>
public sealed class ApiRateLimitPolicy(IOptions<ApiOptions> options) : IRateLimiterPolicy<string>
{
    public const string Name = "api";

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var partition = httpContext.User.FindFirstValue(ApiClaims.KeyId) is { } keyId
            ? $"key:{keyId}"
            : $"address:{httpContext.Connection.RemoteIpAddress ?? IPAddress.None}";
        var permits = options.Value.RequestsPerMinute;
        return RateLimitPartition.GetFixedWindowLimiter(partition,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, cancellationToken) =>
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests.",
            $"This API key made more than {options.Value.RequestsPerMinute} requests in a minute; retry after {seconds} s.");
    };
}
