using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Portal.Live;

namespace Portal.Bench;

internal sealed record LiveFigures(int Measured, double P50Ms, double P99Ms, double MaxMs);

/// <summary>
/// Live updates across two instances: signed-in contacts listen on /hubs/live of instance A or B (one PostgreSQL,
/// one Redis), Stripe's events go to instance A only, and each contact's latency runs from the POST being sent to
/// the payment's Succeeded update reaching that contact.
/// </summary>
internal static class LiveWorkload
{
    private const int WarmUpClients = 10;
    private const int SeedingInParallel = 4;
    // Long enough for a loaded machine to work off the backlog; a message later than this counts as lost.
    private static readonly TimeSpan ArrivalLimit = TimeSpan.FromSeconds(60);

    public static async Task<LiveFigures> RunAsync(BenchPostgres server, int clients, int seconds)
    {
        await using var redis = await BenchRedis.StartAsync();
        var connectionString = await server.CreateDatabaseAsync("portal_bench_live");
        var settings = new Dictionary<string, string> { ["Redis:Connection"] = redis.Connection };
        // One after the other: the first migrates the shared database.
        await using var a = PortalOnKestrel.Start(connectionString, settings);
        await using var b = PortalOnKestrel.Start(connectionString, settings);
        var firm = await WebhookWorkload.CreateFirmTakingCardsAsync(a.Services);

        var seedWatch = Stopwatch.StartNew();
        var listeners = new ConcurrentBag<Listener>();
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, clients), new ParallelOptions { MaxDegreeOfParallelism = SeedingInParallel }, async (n, cancellationToken) =>
            {
                var contact = await BenchFirm.AClientWithLoginAsync(a.Services, firm, n);
                var payment = await WebhookWorkload.InitiateCardPaymentAsync(a.Services, firm, contact.Client, $"live-{n}", cancellationToken);
                Guid? warmUp = n < WarmUpClients ? await WebhookWorkload.InitiateCardPaymentAsync(a.Services, firm, contact.Client, $"live-warm-{n}", cancellationToken) : null;
                var instance = n % 2 == 0 ? a.BaseUrl : b.BaseUrl;
                var cookies = await BenchSignIn.SignInAsync(instance, contact.Email);
                listeners.Add(await Listener.ConnectAsync(instance, cookies, contact.Client.Id, payment, warmUp, onB: n % 2 == 1));
            });
            Console.WriteLine($"live: {clients} contacts seeded, signed in and connected ({listeners.Count(l => l.OnB)} on instance B) in {seedWatch.Elapsed.TotalSeconds:F1} s");

            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            {
                BaseAddress = a.BaseUrl,
            };
            var warmingUp = listeners.Where(l => l.WarmUpPayment is not null).Select(l => (l, l.WarmUpPayment!.Value)).ToList();
            await SendAsync(http, warmingUp, TimeSpan.FromSeconds(1));
            await WaitForArrivalsAsync(warmingUp);

            // The events spread evenly over the run, as Stripe would send them, not all at once.
            var measured = listeners.OrderBy(l => l.Payment).Select(l => (l, l.Payment)).ToList();
            var sendWatch = Stopwatch.StartNew();
            var sentAt = await SendAsync(http, measured, TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"live: {measured.Count} events posted to instance A in {sendWatch.Elapsed.TotalSeconds:F1} s");
            await WaitForArrivalsAsync(measured);

            var misdelivered = listeners.SelectMany(l => l.Misdelivered).ToList();
            if (misdelivered.Count > 0)
                throw new InvalidOperationException($"{misdelivered.Count} updates reached the wrong contact: {string.Join("; ", misdelivered.Take(5))}");
            var latencies = measured.Select(m => Stopwatch.GetElapsedTime(sentAt[m.Item2], m.l.ArrivedAt(m.Item2)!.Value).TotalMilliseconds).Order().ToArray();
            var onB = measured.Where(m => m.l.OnB).Select(m => Stopwatch.GetElapsedTime(sentAt[m.Item2], m.l.ArrivedAt(m.Item2)!.Value).TotalMilliseconds).Order().ToArray();
            Console.WriteLine($"live: p50 {WebhookWorkload.Percentile(onB, 0.5):F1} ms and p99 {WebhookWorkload.Percentile(onB, 0.99):F1} ms for the {onB.Length} contacts on instance B (through Redis)");
            return new LiveFigures(latencies.Length, WebhookWorkload.Percentile(latencies, 0.50), WebhookWorkload.Percentile(latencies, 0.99), latencies[^1]);
        }
        finally
        {
            await Task.WhenAll(listeners.Select(l => l.DisposeAsync().AsTask()));
        }
    }

    /// <summary>Posts one signed event per payment to instance A, spread evenly over <paramref name="over"/>; returns when each POST was sent.</summary>
    private static async Task<IReadOnlyDictionary<Guid, long>> SendAsync(HttpClient http, IReadOnlyList<(Listener Listener, Guid Payment)> events, TimeSpan over)
    {
        var sentAt = new ConcurrentDictionary<Guid, long>();
        var refused = new ConcurrentBag<string>();
        var start = Stopwatch.GetTimestamp();
        var posts = new List<Task>();
        for (var i = 0; i < events.Count; i++)
        {
            var due = over * i / events.Count - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
                await Task.Delay(due);
            var payment = events[i].Payment;
            posts.Add(Task.Run(async () =>
            {
                using var request = WebhookWorkload.CheckoutCompletedRequest(payment, out var eventId);
                sentAt[payment] = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                if (!response.IsSuccessStatusCode)
                    refused.Add($"{eventId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }));
        }
        await Task.WhenAll(posts);
        return refused.IsEmpty ? sentAt : throw new InvalidOperationException($"{refused.Count} signed events were refused: {string.Join("; ", refused.Take(3))}");
    }

    private static async Task WaitForArrivalsAsync(IReadOnlyList<(Listener Listener, Guid Payment)> expected)
    {
        var deadline = DateTime.UtcNow + ArrivalLimit;
        while (true)
        {
            var missing = expected.Where(e => e.Listener.ArrivedAt(e.Payment) is null).ToList();
            if (missing.Count == 0)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{missing.Count} of {expected.Count} contacts never heard their payment succeed within {ArrivalLimit.TotalSeconds} s, e.g. payments "
                    + string.Join(", ", missing.Take(5).Select(m => $"{m.Payment} ({(m.Listener.OnB ? "B" : "A")})")));
            await Task.Delay(20);
        }
    }

    /// <summary>One contact's hub connection, noting when each of its payments' Succeeded update arrives and anything that was not its own.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly HubConnection _connection;
        private readonly Guid _clientId;
        private readonly ConcurrentDictionary<Guid, long> _arrived = new();

        private Listener(HubConnection connection, Guid clientId, Guid payment, Guid? warmUpPayment, bool onB)
        {
            (_connection, _clientId, Payment, WarmUpPayment, OnB) = (connection, clientId, payment, warmUpPayment, onB);
            _connection.On<LiveUpdate>(LiveHub.Changed, Heard);
        }

        public Guid Payment { get; }
        public Guid? WarmUpPayment { get; }
        public bool OnB { get; }
        public ConcurrentBag<string> Misdelivered { get; } = [];

        public static async Task<Listener> ConnectAsync(Uri instance, CookieContainer cookies, Guid clientId, Guid payment, Guid? warmUpPayment, bool onB)
        {
            var connection = new HubConnectionBuilder().WithUrl(new Uri(instance, "/hubs/live"), options => options.Cookies = cookies).Build();
            var listener = new Listener(connection, clientId, payment, warmUpPayment, onB);
            await connection.StartAsync();
            return listener;
        }

        public long? ArrivedAt(Guid payment) => _arrived.TryGetValue(payment, out var at) ? at : null;

        private void Heard(LiveUpdate update)
        {
            var at = Stopwatch.GetTimestamp();
            if (update.ClientAccountId != _clientId)
                Misdelivered.Add($"{update} reached the contact of client {_clientId}");
            else if (update is { Kind: LiveKind.Payment, Status: "Succeeded" })
            {
                if (update.SubjectId != Payment && update.SubjectId != WarmUpPayment)
                    Misdelivered.Add($"{update} is not a payment of client {_clientId}");
                _arrived.TryAdd(update.SubjectId, at);
            }
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }
}
