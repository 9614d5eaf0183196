using System.Collections.Concurrent;
using System.Net;

namespace Portal.Account;

/// <summary>
/// Slows password guessing without handing strangers a way to lock someone out. Failures are counted per email address
/// (whether or not it has a sign-in, so the answers never tell which) and per client address. After a few free
/// failures each further one makes the next attempt wait twice as long, up to five minutes; only after
/// <see cref="LockAfterFailures"/> does the account lock, and its holder is emailed an unlock link. Reaching that takes
/// the better part of an hour of patient guessing, where a hard lock after five failures took a minute.
/// Counts live in this instance's memory; the lock itself is Identity's, in the database, for every instance.
/// </summary>
public sealed class SignInThrottle(TimeProvider clock)
{
    /// <summary>Failures in a row, without a success, after which an account is locked (Identity's MaxFailedAccessAttempts).</summary>
    public const int LockAfterFailures = 20;

    public static readonly TimeSpan LockFor = TimeSpan.FromHours(1);

    private const int FreeFailuresPerAccount = 3;
    private const int FreeFailuresPerAddress = 10;
    private static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    /// <summary>How long the caller must wait before this email may be tried again from this address; zero when it may now.</summary>
    public TimeSpan WaitBefore(string email, IPAddress? address)
    {
        var now = clock.GetUtcNow();
        var account = Current(AccountKey(email), now);
        var client = Current(AddressKey(address), now);
        var until = Max(account?.NotBefore, client?.NotBefore);
        return until is { } at && at > now ? at - now : TimeSpan.Zero;
    }

    /// <summary>True once an address has failed <see cref="LockAfterFailures"/> times: it answers as a locked account does.</summary>
    public bool IsLocked(string email) =>
        Current(AccountKey(email), clock.GetUtcNow()) is { Count: >= LockAfterFailures };

    public void RecordFailure(string email, IPAddress? address)
    {
        var now = clock.GetUtcNow();
        Count(AccountKey(email), FreeFailuresPerAccount, now);
        Count(AddressKey(address), FreeFailuresPerAddress, now);
        if (_failures.Count > 50_000)
            ForgetOld(now);
    }

    /// <summary>A right password, or an unlock link: the account starts afresh (its address keeps its count).</summary>
    public void Forget(string email) => _failures.TryRemove(AccountKey(email), out _);

    private void Count(string key, int freeFailures, DateTimeOffset now) =>
        _failures.AddOrUpdate(
            key,
            _ => Next(0, freeFailures, now),
            (_, previous) => Next(IsStale(previous, now) ? 0 : previous.Count, freeFailures, now));

    private static Failures Next(int previousCount, int freeFailures, DateTimeOffset now)
    {
        var count = previousCount + 1;
        var beyond = count - freeFailures;
        var wait = beyond <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, beyond - 1), LongestWait.TotalSeconds));
        return new Failures(count, now, now + wait);
    }

    private Failures? Current(string key, DateTimeOffset now) =>
        _failures.TryGetValue(key, out var failures) && !IsStale(failures, now) ? failures : null;

    private static bool IsStale(Failures failures, DateTimeOffset now) =>
        now - failures.Last > (failures.Count >= LockAfterFailures ? LockFor : ForgetAfter);

    private void ForgetOld(DateTimeOffset now)
    {
        foreach (var (key, failures) in _failures)
            if (IsStale(failures, now))
                _failures.TryRemove(key, out _);
    }

    private static string AccountKey(string email) => "account:" + email.Trim().ToUpperInvariant();

    private static string AddressKey(IPAddress? address) => "address:" + (address ?? IPAddress.None);

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a > b || b is null ? a : b;

    private sealed record Failures(int Count, DateTimeOffset Last, DateTimeOffset NotBefore);
}
