namespace Portal.Sandbox.GoCardless;

// A creditor's requests in the current rate-limit window. Windows end on a whole second because RateLimit-Reset
// is an HTTP date: a client that waits until the header's time must find the new window open.
internal sealed class GoCardlessRequestWindow
{
    private readonly Lock _gate = new();
    private DateTimeOffset _end = DateTimeOffset.MinValue;
    private int _used;

    public (bool Allowed, int Remaining, DateTimeOffset Reset) Take(DateTimeOffset now, GoCardlessRateLimit limit)
    {
        lock (_gate)
        {
            if (now >= _end)
            {
                var end = now + limit.Window;
                _end = new DateTimeOffset(end.UtcTicks + (TimeSpan.TicksPerSecond - (end.UtcTicks % TimeSpan.TicksPerSecond)), TimeSpan.Zero);
                _used = 0;
            }

            _used++;
            return (_used <= limit.Requests, Math.Max(0, limit.Requests - _used), _end);
        }
    }
}
