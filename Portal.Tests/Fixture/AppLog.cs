using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Portal.Tests.Fixture;

/// <summary>
/// The last lines a test app logged: what the app itself logs (with each webhook it applies), each request it served
/// with its time, and anything at warning or above. A journey that waits on a background step (a webhook applied, an email sent) attaches it to its failure,
/// so a run on CI that fails once says what the app was doing instead of only "still processing".
/// </summary>
internal sealed class AppLog : ILoggerProvider
{
    private const int Kept = 1000;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TimeProvider _wallClock = TimeProvider.System;

    /// <summary>ASP.NET Core's "Request starting" and "Request finished in … ms" lines.</summary>
    public const string RequestsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public string Text => string.Join(Environment.NewLine, _lines);

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Kept && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Recorder(AppLog log, string category) : ILogger
    {
        private readonly LogLevel _least = category.StartsWith("Portal", StringComparison.Ordinal) ? LogLevel.Debug
            : category == RequestsCategory ? LogLevel.Information
            : LogLevel.Warning;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= _least;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var error = exception is null ? "" : $" [{exception.GetType().Name}: {exception.Message}]";
            // Wall-clock time of day: the order of lines against the test's own steps, whatever day the app's clock says.
            log.Add($"{log._wallClock.GetUtcNow():HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{error}");
        }
    }
}
