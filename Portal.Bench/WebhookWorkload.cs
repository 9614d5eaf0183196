using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Payments;
using Portal.Providers.Stripe;
using Portal.Security;
using Portal.Webhooks;

namespace Portal.Bench;

/// <param name="AcceptedPerSecond">2xx answers per second while the burst was being sent.</param>
/// <param name="AppliedWhileSendingPerSecond">Events that reached Applied while the burst was being sent, per second of sending.</param>
/// <param name="ApplyPerSecond">The burst's events divided by <paramref name="BurstDrainSeconds"/>.</param>
/// <param name="BurstDrainSeconds">From the first event accepted to the last one applied.</param>
internal sealed record WebhookFigures(
    double AcceptedPerSecond, double AppliedWhileSendingPerSecond, double ApplyPerSecond, double BurstDrainSeconds, double AckP50Ms, double AckP99Ms);

/// <summary>
/// Stripe's side of card payments against two running instances of the app on one database: concurrent senders post
/// a burst of signed <c>checkout.session.completed</c> (paid) events over HTTP, one per Initiated card payment, half
/// to each instance, while both instances' background processors apply them (payment succeeded, ledger posted), as in
/// production.
/// </summary>
internal static class WebhookWorkload
{
    private const string FirmKey = "bench";
    private const string WebhookSecret = "whsec_portal_bench_0123456789abcdef";
    private const int WarmUpPerSender = 10;
    private static readonly Money PerInvoice = new(1_00, Currency.EUR);
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    // The backlog may take minutes to work off on a loaded machine; only a processor that has stopped is an error.
    private static readonly TimeSpan StallLimit = TimeSpan.FromMinutes(1);

    public static async Task<WebhookFigures> RunAsync(BenchPostgres server, int senders, int burst)
    {
        var connectionString = await server.CreateDatabaseAsync("portal_bench_webhooks");
        // Both instances read the key ring in the shared database, so they mount one certificate, as a deployment does.
        var keyRingFolder = Directory.CreateTempSubdirectory("portal-bench-key-ring-");
        var certificate = Path.Combine(keyRingFolder.FullName, "key-ring.pfx");
        KeyRingProtection.CreateCertificate(certificate, "bench", TimeProvider.System);
        var settings = new Dictionary<string, string> { [KeyRingProtection.CertificatePath] = certificate, [KeyRingProtection.CertificatePassword] = "bench" };
        try
        {
            return await RunOnTwoInstancesAsync(connectionString, settings, senders, burst);
        }
        finally
        {
            keyRingFolder.Delete(recursive: true);
        }
    }

    private static async Task<WebhookFigures> RunOnTwoInstancesAsync(string connectionString, Dictionary<string, string> settings, int senders, int burst)
    {
        // One after the other: the first migrates the shared database.
        await using var a = PortalOnKestrel.Start(connectionString, settings);
        await using var b = PortalOnKestrel.Start(connectionString, settings);
        var services = a.Services;
        var firm = await CreateFirmTakingCardsAsync(services);
        var seedWatch = Stopwatch.StartNew();
        var payments = await SeedPaymentsAsync(services, firm, senders, senders * WarmUpPerSender + burst);
        Console.WriteLine($"webhooks: {payments.Count} Initiated card payments seeded in {seedWatch.Elapsed.TotalSeconds:F1} s");

        using var toA = Http(a.BaseUrl, senders);
        using var toB = Http(b.BaseUrl, senders);
        HttpClient[] instances = [toA, toB];
        var queue = new PaymentQueue(payments);

        // Warm up the JIT, EF's query cache and the connection pools of both instances, and let them catch up, before measuring.
        var warmUp = new Senders(instances, queue, senders);
        await warmUp.SendAsync(stopAfterEach: WarmUpPerSender);
        await WaitUntilAppliedAsync(services, warmUp.Accepted.Count);

        var measured = new Senders(instances, queue, senders);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await measured.SendAsync();
        watch.Stop();
        var endedAt = DateTimeOffset.UtcNow;
        var cpuSending = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var firstAccepted = measured.FirstAcceptedAt ?? throw new InvalidOperationException("No event of the burst was accepted.");

        int appliedInWindow;
        await using (var db = BenchFirm.OpenDb(services, null))
        {
            appliedInWindow = await db.WebhookEvents.IgnoreQueryFilters()
                .CountAsync(e => e.Status == WebhookEventStatus.Applied && e.ProcessedAt >= firstAccepted && e.ProcessedAt <= endedAt);
        }
        await WaitUntilAppliedAsync(services, warmUp.Accepted.Count + measured.Accepted.Count);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var burstIds = measured.Accepted.Select(e => e.EventId).ToList();
        DateTimeOffset lastApplied;
        await using (var db = BenchFirm.OpenDb(services, null))
        {
            lastApplied = await db.WebhookEvents.IgnoreQueryFilters().Where(e => burstIds.Contains(e.ProviderEventId)).MaxAsync(e => e.ProcessedAt!.Value);
        }
        var drain = (lastApplied - firstAccepted).TotalSeconds;
        var latencies = measured.AckMilliseconds.Order().ToArray();
        Console.WriteLine($"webhooks: a burst of {measured.Accepted.Count} events accepted ({measured.Refused} refused) by {senders} senders over 2 instances in "
            + $"{watch.Elapsed.TotalSeconds:F1} s, {appliedInWindow} applied meanwhile, the last {drain:F1} s after the first was accepted; "
            + $"{cpu.TotalMilliseconds / Math.Max(1, measured.Accepted.Count):F2} ms of process CPU (both instances and senders) per event, "
            + $"{cpuSending.TotalMilliseconds / Math.Max(1, measured.Accepted.Count):F2} ms of it while sending");

        await CheckAppliedOnceAsync(services, firm, [.. warmUp.Accepted, .. measured.Accepted]);
        if (measured.Refused > 0)
            throw new InvalidOperationException($"{measured.Refused} signed events were refused: the figures would hide errors.");
        return new WebhookFigures(
            measured.Accepted.Count / watch.Elapsed.TotalSeconds,
            appliedInWindow / watch.Elapsed.TotalSeconds,
            measured.Accepted.Count / drain,
            drain,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99));
    }

    private static HttpClient Http(Uri baseUrl, int senders) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = senders, PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = baseUrl };

    /// <summary>The bench firm, connected to Stripe in test mode (every Stripe call stays off the network) with the bench's webhook secret.</summary>
    public static async Task<Guid> CreateFirmTakingCardsAsync(IServiceProvider services)
    {
        var firm = await BenchFirm.CreateAsync(services, FirmKey);
        await using var scope = BenchFirm.StaffScope(services, firm);
        await scope.ServiceProvider.GetRequiredService<StripeConnector>().ConnectAsync(
            new StripeConnectionInput(ProviderMode.Test, "sk_test_portal_bench", null, WebhookSecret));
        return firm;
    }

    /// <summary>A card payment as a client starts it: 1.00 on each of its two invoices, Initiated until Stripe says otherwise.</summary>
    public static async Task<Guid> InitiateCardPaymentAsync(IServiceProvider services, Guid firmId, BenchClient client, string key, CancellationToken cancellationToken = default)
    {
        await using var scope = BenchFirm.StaffScope(services, firmId);
        var initiated = await scope.ServiceProvider.GetRequiredService<ProviderPayments>().InitiateAsync(new ProviderPaymentRequest(
            client.Id, PaymentMethod.Card, PaymentProvider.Stripe,
            [new InvoiceAmount(client.FirstInvoice, PerInvoice), new InvoiceAmount(client.SecondInvoice, PerInvoice)], null, $"card:{key}"), cancellationToken);
        return initiated.Id ?? throw new InvalidOperationException("The payment was not created.");
    }

    /// <summary>Stripe telling the app that <paramref name="paymentId"/> was paid: a signed <c>checkout.session.completed</c> POST.</summary>
    public static HttpRequestMessage CheckoutCompletedRequest(Guid paymentId, out string eventId)
    {
        eventId = "evt_bench_" + paymentId.ToString("N");
        var body = CheckoutCompletedJson(eventId, paymentId);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/stripe/{FirmKey}") { Content = new StringContent(body, Encoding.UTF8, Json) };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeSignature(body, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        return request;
    }

    /// <summary>Card payments as clients start them: each pays 1.00 on each of its client's two invoices.</summary>
    private static async Task<List<Guid>> SeedPaymentsAsync(IServiceProvider services, Guid firmId, int clients, int count)
    {
        var accounts = new List<BenchClient>();
        for (var i = 0; i < clients; i++)
            accounts.Add(await BenchFirm.AClientAsync(services, firmId, i));
        var ids = new ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = clients }, async (n, cancellationToken) =>
        {
            ids.Add(await InitiateCardPaymentAsync(services, firmId, accounts[n % accounts.Count], $"bench-{n}", cancellationToken));
        });
        return [.. ids];
    }

    private static async Task WaitUntilAppliedAsync(IServiceProvider services, int expected)
    {
        var deadline = DateTime.UtcNow + StallLimit;
        var appliedBefore = -1;
        while (true)
        {
            await using var db = BenchFirm.OpenDb(services, null);
            var byStatus = await db.WebhookEvents.IgnoreQueryFilters().GroupBy(e => e.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync();
            var applied = byStatus.Where(s => s.Status == WebhookEventStatus.Applied).Sum(s => s.Count);
            var failing = await db.WebhookEvents.IgnoreQueryFilters().Where(e => e.LastError != null || e.Status == WebhookEventStatus.Parked || e.Status == WebhookEventStatus.Ignored)
                .Select(e => $"{e.ProviderEventId} {e.Status}: {e.LastError}").Take(3).ToListAsync();
            if (failing.Count > 0)
                throw new InvalidOperationException("Webhook events were not applied: " + string.Join("; ", failing));
            if (applied >= expected)
                return;
            if (applied > appliedBefore)
                (appliedBefore, deadline) = (applied, DateTime.UtcNow + StallLimit);
            else if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{applied} of {expected} accepted events applied, and none for {StallLimit.TotalMinutes} minute: "
                    + string.Join(", ", byStatus.Select(s => $"{s.Count} {s.Status}")));
            await Task.Delay(200);
        }
    }

    /// <summary>Every accepted event applied exactly once: one Applied inbox row each, its payment Succeeded with one ledger movement, the books balanced.</summary>
    private static async Task CheckAppliedOnceAsync(IServiceProvider services, Guid firmId, IReadOnlyCollection<SentEvent> accepted)
    {
        await using var db = BenchFirm.OpenDb(services, firmId);
        var problems = new List<string>();
        var eventIds = accepted.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
        var paymentIds = accepted.Select(e => e.PaymentId).ToHashSet();
        if (eventIds.Count != accepted.Count || paymentIds.Count != accepted.Count)
            problems.Add("an event id or a payment was sent twice");

        var inbox = await db.WebhookEvents.AsNoTracking().Select(e => new { e.ProviderEventId, e.Status, e.Attempts }).ToListAsync();
        if (inbox.Count != accepted.Count || !inbox.All(e => eventIds.Contains(e.ProviderEventId)))
            problems.Add($"{inbox.Count} inbox rows for {accepted.Count} accepted events");
        var notOnce = inbox.Count(e => e.Status != WebhookEventStatus.Applied || e.Attempts != 1);
        if (notOnce > 0)
            problems.Add($"{notOnce} inbox rows not Applied at the first attempt");

        var succeeded = await db.Payments.Where(p => p.Status == PaymentStatus.Succeeded).Select(p => p.Id).ToListAsync();
        if (succeeded.Count != accepted.Count || !succeeded.All(paymentIds.Contains))
            problems.Add($"{succeeded.Count} payments Succeeded for {accepted.Count} accepted events");
        var movements = await db.LedgerTransactions.Where(t => t.Kind == LedgerTransactionKind.PaymentSucceeded)
            .GroupBy(t => t.PaymentId).Select(g => g.Count()).ToListAsync();
        if (movements.Count != accepted.Count || movements.Any(n => n != 1))
            problems.Add($"{movements.Sum()} payment-succeeded ledger movements for {movements.Count} payments, {accepted.Count} expected");
        var paidMinor = await db.Invoices.SumAsync(i => i.PaidMinor);
        if (paidMinor != accepted.Count * 2 * PerInvoice.Minor)
            problems.Add($"invoices show {paidMinor} minor units paid, {accepted.Count * 2 * PerInvoice.Minor} expected");
        if (problems.Count > 0)
            throw new InvalidOperationException("The accepted events were not each applied exactly once: " + string.Join("; ", problems) + ".");
        await BenchFirm.CheckBooksAsync(services, firmId);
    }

    public static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>
    /// The event Stripe sends when a client has paid on the hosted page. It has no payment_intent: the handler would
    /// fetch the fee from Stripe's API with it, and the bench has no Stripe to ask.
    /// </summary>
    private static string CheckoutCompletedJson(string eventId, Guid paymentId) => new JsonObject
    {
        ["id"] = eventId,
        ["object"] = "event",
        ["api_version"] = "2026-10-28.endive",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["type"] = "checkout.session.completed",
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["data"] = new JsonObject
        {
            ["object"] = new JsonObject
            {
                ["id"] = "cs_test_" + paymentId.ToString("N"),
                ["object"] = "checkout.session",
                ["mode"] = "payment",
                ["status"] = "complete",
                ["payment_status"] = "paid",
                ["amount_total"] = 2 * PerInvoice.Minor,
                ["currency"] = "eur",
                ["client_reference_id"] = paymentId.ToString(),
                ["metadata"] = new JsonObject { [StripePaymentLookup.PaymentIdKey] = paymentId.ToString() },
                ["payment_intent"] = null,
                ["livemode"] = false,
            },
        },
    }.ToJsonString();

    /// <summary>Stripe's signature scheme, written out rather than borrowed from the library the app verifies with.</summary>
    private static string StripeSignature(string body, long timestamp)
    {
        var signed = HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}"));
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(signed)}";
    }

    private sealed record SentEvent(string EventId, Guid PaymentId);

    /// <summary>Hands each payment to exactly one sender.</summary>
    private sealed class PaymentQueue(List<Guid> payments)
    {
        private int _next = -1;

        public Guid? Take()
        {
            var index = Interlocked.Increment(ref _next);
            return index < payments.Count ? payments[index] : null;
        }
    }

    /// <summary>Concurrent senders, sender n posting to instance n mod the number of instances, until the payments run out.</summary>
    private sealed class Senders(HttpClient[] instances, PaymentQueue queue, int count)
    {
        public ConcurrentBag<SentEvent> Accepted { get; } = [];
        public ConcurrentBag<double> AckMilliseconds { get; } = [];
        public int Refused => _refused;
        private int _refused;
        private long _firstAcceptedTicks = long.MaxValue;

        /// <summary>When the first 2xx answer came back.</summary>
        public DateTimeOffset? FirstAcceptedAt
        {
            get
            {
                var ticks = Interlocked.Read(ref _firstAcceptedTicks);
                return ticks == long.MaxValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
            }
        }

        public Task SendAsync(int stopAfterEach = int.MaxValue) =>
            Task.WhenAll(Enumerable.Range(0, count).Select(n => Task.Run(() => SendOneByOneAsync(instances[n % instances.Length], stopAfterEach))));

        private async Task SendOneByOneAsync(HttpClient http, int stopAfter)
        {
            for (var sent = 0; sent < stopAfter && queue.Take() is { } paymentId; sent++)
            {
                using var request = CheckoutCompletedRequest(paymentId, out var eventId);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                var answer = await response.Content.ReadAsStringAsync();
                AckMilliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.IsSuccessStatusCode && answer.Contains("\"duplicate\":false", StringComparison.Ordinal))
                {
                    var now = DateTimeOffset.UtcNow.UtcTicks;
                    for (var first = Interlocked.Read(ref _firstAcceptedTicks); now < first; first = Interlocked.Read(ref _firstAcceptedTicks))
                    {
                        if (Interlocked.CompareExchange(ref _firstAcceptedTicks, now, first) == first)
                            break;
                    }
                    Accepted.Add(new SentEvent(eventId, paymentId));
                }
                else
                {
                    Interlocked.Increment(ref _refused);
                    Console.Error.WriteLine($"webhooks: {eventId} answered {(int)response.StatusCode}: {answer}");
                }
            }
        }
    }
}
