using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using Portal.Live;
using Portal.Tests.Fixture;

namespace Portal.Tests.Live;

/// <summary>A SignalR client on /hubs/live with a signed-in session's cookie, keeping every update it hears.</summary>
public sealed class LiveListener : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly ConcurrentQueue<LiveUpdate> _heard = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private LiveListener(HubConnection connection)
    {
        _connection = connection;
        _connection.On<LiveUpdate>(LiveHub.Changed, update =>
        {
            _heard.Enqueue(update);
            _arrived.Release();
        });
    }

    public IReadOnlyCollection<LiveUpdate> Heard => _heard.ToArray();

    public static async Task<LiveListener> ConnectAsync(Uri baseUrl, PortalSession? session)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, "/hubs/live"), options =>
            {
                if (session is not null)
                    options.Cookies = session.Cookies;
            })
            .Build();
        var listener = new LiveListener(connection);
        await connection.StartAsync();
        return listener;
    }

    /// <summary>
    /// Waits until an update matching <paramref name="expected"/> has been heard; fails after <paramref name="seconds"/>.
    /// The limit only decides how long a real failure takes to report: on CI's 2 cores an update crossing two
    /// instances once took longer than 5 s.
    /// </summary>
    public async Task<LiveUpdate> WaitForAsync(Func<LiveUpdate, bool> expected, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (_heard.FirstOrDefault(expected) is { } update)
                return update;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
                throw new TimeoutException($"No matching live update within {seconds} s; heard: {string.Join(", ", _heard)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _arrived.Dispose();
    }
}
