using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;

namespace Portal.GoCardless;

// GoCardless limits requests per access token (1000 a minute) and says how many are left in RateLimit-Remaining,
// and when the window restarts in RateLimit-Reset (an HTTP date). Shared by every client of the same token.
public sealed class GoCardlessRateLimits(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _exhaustedUntil = new();

    public void Observe(string accessToken, HttpResponseHeaders headers)
    {
        if (!headers.TryGetValues("RateLimit-Remaining", out var remainingValues)
            || !int.TryParse(remainingValues.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var remaining))
        {
            return;
        }

        if (remaining > 0)
        {
            _exhaustedUntil.TryRemove(accessToken, out _);
            return;
        }

        // RateLimit-Reset is an HTTP date in whole seconds, so the window may end up to a second after it says.
        _exhaustedUntil[accessToken] = ResetOf(headers) + TimeSpan.FromSeconds(1) ?? clock.GetUtcNow() + TimeSpan.FromSeconds(60);
    }

    // How long to wait before the next request with this token may go out.
    public TimeSpan WaitFor(string accessToken, TimeSpan longest)
    {
        if (!_exhaustedUntil.TryGetValue(accessToken, out var until))
        {
            return TimeSpan.Zero;
        }

        var wait = until - clock.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            _exhaustedUntil.TryRemove(KeyValuePair.Create(accessToken, until));
            return TimeSpan.Zero;
        }

        return wait < longest ? wait : longest;
    }

    private static DateTimeOffset? ResetOf(HttpResponseHeaders headers) =>
        headers.TryGetValues("RateLimit-Reset", out var values)
        && DateTimeOffset.TryParse(values.FirstOrDefault(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var reset)
            ? reset
            : null;
}
