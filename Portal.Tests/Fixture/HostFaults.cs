using Microsoft.Extensions.Logging;

namespace Portal.Tests.Fixture;

/// <summary>
/// Keeps the first error the host itself logs: a background service that throws stops the app, and every test after it
/// would otherwise only see "Cannot access a disposed object" with no word of what went wrong.
/// </summary>
internal sealed class HostFaults : ILoggerProvider
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";
    private string? _first;

    public string? First => Volatile.Read(ref _first);

    public ILogger CreateLogger(string categoryName) =>
        categoryName == HostCategory ? new Recorder(this) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Recorder(HostFaults faults) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                Interlocked.CompareExchange(ref faults._first, $"{formatter(state, exception)} {exception}", null);
        }
    }
}
