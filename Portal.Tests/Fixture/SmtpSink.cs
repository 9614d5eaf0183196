using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Portal.Tests.Fixture;

/// <summary>
/// A real SMTP server (the SmtpServer package) on a loopback port, keeping every message it accepts, parsed with
/// MimeKit. Portal's dispatcher talks to it over TCP through MailKit exactly as to a production mail server.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;
    private readonly Store _store = new();
    private int _disposed;

    public SmtpSink()
    {
        Port = FreePort();
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)).IsSecure(false)).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(_store);
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>Every message received so far, in order.</summary>
    public IReadOnlyList<MimeMessage> Received => [.. _store.Messages];

    /// <summary>While set, the server answers every message with a transient failure (451), as a mail server that is down for a moment.</summary>
    public bool Refusing { get => _store.Refusing; set => _store.Refusing = value; }

    public IReadOnlyList<MimeMessage> To(string address) =>
        Received.Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();

    /// <summary>Waits until <paramref name="count"/> messages to <paramref name="address"/> have arrived; returns them.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(string address, int count = 1, TimeSpan? timeout = null)
    {
        var until = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var received = To(address);
            if (received.Count >= count)
                return received;
            if (DateTimeOffset.UtcNow > until)
                throw new TimeoutException($"{received.Count} of {count} emails to {address} arrived.");
            await _store.ArrivedAsync(TimeSpan.FromMilliseconds(200));
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The app that owns it may be disposed twice (by the test, then by its lifetime).
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _server.Shutdown();
        await _stop.CancelAsync();
        try { await _running.WaitAsync(TimeSpan.FromSeconds(5)); } catch (OperationCanceledException) { } catch (TimeoutException) { }
        _stop.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private sealed class Store : MessageStore
    {
        private readonly SemaphoreSlim _arrived = new(0);

        public ConcurrentQueue<MimeMessage> Messages { get; } = new();
        public volatile bool Refusing;

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (Refusing)
                return new SmtpResponse(SmtpReplyCode.ServiceUnavailable, "Mail server down for the test");
            using var stream = new MemoryStream(buffer.ToArray());
            Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            _arrived.Release();
            return SmtpResponse.Ok;
        }

        // Wakes a waiter on the next arrival, or after the timeout (a check of something else that changed).
        public Task ArrivedAsync(TimeSpan timeout) => _arrived.WaitAsync(timeout);
    }
}
