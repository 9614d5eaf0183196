namespace Portal.Webhooks;

public sealed class WebhookOptions
{
    /// <summary>Failed attempts before an event is parked for an admin.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failure; it doubles after each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Run the processor and reconciliation as background services (tests drive them by hand).</summary>
    public bool ProcessInBackground { get; set; } = true;

    /// <summary>
    /// Processor loops per instance on PostgreSQL, each claiming its own batch of events (SKIP LOCKED); a handler spends
    /// most of its time waiting on the database, so one loop leaves the server idle. SQLite, a single writer, runs one.
    /// </summary>
    public int Workers { get; set; } = 4;

    /// <summary>
    /// Events one PostgreSQL processor loop claims at once (SKIP LOCKED), at most one per object, and applies side by
    /// side; their statuses commit in one transaction. SQLite takes one at a time.
    /// </summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>How often the background processor looks for due events when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often providers' event lists are compared with the inbox.</summary>
    public TimeSpan ReconcileEvery { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan RetryDelay(int failedAttempts)
    {
        var doublings = Math.Clamp(failedAttempts - 1, 0, 30);
        var delay = FirstRetryDelay * Math.Pow(2, doublings);
        return delay > MaxRetryDelay ? MaxRetryDelay : delay;
    }
}
