using System.Diagnostics;
using System.Globalization;

namespace Portal.Tests.Fixture;

/// <summary>
/// The clock of every app and sandbox the tests start. It begins on the day <c>PORTAL_TEST_TODAY</c> names
/// (<c>2028-02-29</c>, which starts at 09:00 UTC, or an exact instant such as <c>2027-03-28T00:30:00Z</c>;
/// unset: now) and then runs at the real pace, so the app's timers, back-offs, cookie lifetimes and
/// webhook signature windows behave as in production while "today" is whatever CI chose. A frozen
/// FakeTimeProvider would stop the background services that wait on the app's clock. <see cref="Advance"/>
/// moves one clock forward, for a test that needs a later day.
/// </summary>
public sealed class TestClock : TimeProvider
{
    public const string TodayVariable = "PORTAL_TEST_TODAY";

    // One start for the whole test run, so two app instances sharing a database agree on the time.
    private static readonly long RunStartTimestamp = Stopwatch.GetTimestamp();
    private static readonly DateTimeOffset RunStart = StartFromEnvironment();

    private long _advancedTicks;

    public override DateTimeOffset GetUtcNow() =>
        RunStart + Stopwatch.GetElapsedTime(RunStartTimestamp) + TimeSpan.FromTicks(Interlocked.Read(ref _advancedTicks));

    public DateOnly Today => DateOnly.FromDateTime(GetUtcNow().UtcDateTime);

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _advancedTicks, by.Ticks);
    }

    /// <summary>The instant the run started at, as <c>PORTAL_TEST_TODAY</c> set it; printed by a test so a failing day can be replayed.</summary>
    public static DateTimeOffset StartOfRun => RunStart;

    private static DateTimeOffset StartFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(TodayVariable);
        if (string.IsNullOrWhiteSpace(value))
            return TimeProvider.System.GetUtcNow();
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
        if (DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
            return instant.ToUniversalTime();
        throw new InvalidOperationException($"{TodayVariable}='{value}' is neither a date (yyyy-MM-dd) nor an ISO 8601 instant.");
    }
}
