using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api;
using Portal.Domain.ApiKeys;

namespace Portal.Bench;

/// <summary>What the API answered: requests per second over every client, and the latency of each kind of request.</summary>
internal sealed record ApiFigures(long Requests, double RequestsPerSecond, double P50Ms, double P99Ms, double ListP99Ms, double GetP99Ms);

/// <summary>
/// An integration reading a large firm through the REST API: the whole app on Kestrel (authentication by API key, rate
/// limiter, tenant filters, JSON), the lists bench's 100,000 invoices over 5,000 clients with a line each, and
/// concurrent clients that each list a page of 100 invoices (walking on with <c>starting_after</c>, now and then
/// filtered by status) and then fetch four invoices of that page, as a sync job does.
/// </summary>
internal static class ApiWorkload
{
    private const int PageSize = 100;
    private const int FetchesPerPage = 4;
    // A sync walks this many pages before it starts again from the first.
    private const int PagesPerWalk = 20;

    public static async Task<ApiFigures> RunAsync(BenchPostgres server, int clients, int seconds)
    {
        var connectionString = await server.CreateDatabaseAsync("portal_api");
        // The per-key limit protects a firm from a runaway script; here one key is the whole load.
        await using var app = PortalOnKestrel.Start(connectionString, new Dictionary<string, string> { ["Api:RequestsPerMinute"] = "100000000" });
        var firm = await BenchFirm.CreateAsync(app.Services, "api");
        var watch = Stopwatch.StartNew();
        var seeded = await ListsWorkload.SeedAsync(connectionString, firm, withLines: true);
        Console.WriteLine($"api: seeded {seeded.Clients} clients, {seeded.Invoices} invoices with their lines, {seeded.Payments} payments in {watch.Elapsed.TotalSeconds:F1} s");
        string secret;
        await using (var scope = BenchFirm.StaffScope(app.Services, firm))
            secret = (await scope.ServiceProvider.GetRequiredService<ApiKeys>().CreateAsync("Bench sync", ApiKeyScope.Read, ApiResources.All, null)).Secret;

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = app.BaseUrl,
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

        // Warm up the JIT, EF's query cache, the connection pools and the server's caches.
        var warmUp = new Recorder();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => SyncAsync(http, c, DateTime.UtcNow.AddSeconds(Math.Min(5, seconds)), warmUp)));

        var measured = new Recorder();
        watch.Restart();
        var until = DateTime.UtcNow.AddSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => SyncAsync(http, c, until, measured)));
        watch.Stop();

        var all = measured.Lists.Concat(measured.Gets).ToList();
        Console.WriteLine($"api: {measured.Lists.Count} page lists (p50 {ListsWorkload.Percentile(measured.Lists, 0.50):F2} ms), "
            + $"{measured.Gets.Count} invoice fetches (p50 {ListsWorkload.Percentile(measured.Gets, 0.50):F2} ms) from {clients} clients in {watch.Elapsed.TotalSeconds:F1} s");
        return new ApiFigures(all.Count, all.Count / watch.Elapsed.TotalSeconds, ListsWorkload.Percentile(all, 0.50), ListsWorkload.Percentile(all, 0.99),
            ListsWorkload.Percentile(measured.Lists, 0.99), ListsWorkload.Percentile(measured.Gets, 0.99));
    }

    /// <summary>One client's sync loop until <paramref name="until"/>; any answer but 200 ends the run, since its figures would mean nothing.</summary>
    private static async Task SyncAsync(HttpClient http, int client, DateTime until, Recorder recorder)
    {
        string? cursor = null;
        var page = 0;
        while (DateTime.UtcNow < until)
        {
            // Every third walk reads only open invoices, as a reminder or collections sync would.
            var filter = (client + page / PagesPerWalk) % 3 == 0 ? "&status=open" : "";
            var path = $"/api/v1/invoices?limit={PageSize}{filter}" + (cursor is null ? "" : $"&starting_after={cursor}");
            var (listed, listMs) = await GetAsync(http, path);
            recorder.List(listMs);
            var ids = listed.RootElement.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
            var hasMore = listed.RootElement.GetProperty("has_more").GetBoolean();
            listed.Dispose();
            if (ids.Count == 0)
                throw new InvalidOperationException($"api: {path} listed nothing.");

            for (var i = 0; i < FetchesPerPage; i++)
            {
                var (fetched, getMs) = await GetAsync(http, $"/api/v1/invoices/{ids[(client * 7 + page * 13 + i * 29) % ids.Count]}");
                fetched.Dispose();
                recorder.Get(getMs);
            }

            page++;
            cursor = hasMore && page % PagesPerWalk != 0 ? ids[^1] : null;
        }
    }

    private static async Task<(JsonDocument Body, double Ms)> GetAsync(HttpClient http, string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStreamAsync();
        var json = await JsonDocument.ParseAsync(body);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"api: {path} answered {(int)response.StatusCode}: {json.RootElement}");
        return (json, ms);
    }

    private sealed class Recorder
    {
        private readonly Lock _gate = new();

        public List<double> Lists { get; } = [];
        public List<double> Gets { get; } = [];

        public void List(double ms)
        {
            lock (_gate)
                Lists.Add(ms);
        }

        public void Get(double ms)
        {
            lock (_gate)
                Gets.Add(ms);
        }
    }
}
