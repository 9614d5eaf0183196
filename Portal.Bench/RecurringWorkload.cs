using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.DirectDebit;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
using Portal.Domain.Recurring;
using Portal.GoCardless;
using Portal.Integrations;
using Portal.Providers.GoCardless;
using Portal.Recurring;

namespace Portal.Bench;

/// <param name="Invoices">Invoices the measured pass made.</param>
/// <param name="CollectionsQueued">Direct debits the pass scheduled at the provider for those invoices (one per mandated client).</param>
/// <param name="AppCpuMsPerInvoice">The bench process's CPU over the pass, per invoice (the sandbox answering GoCardless calls included).</param>
/// <param name="ServerCpuMsPerInvoice">The throwaway cluster's CPU over the pass, per invoice; null on a server given in PORTAL_BENCH_PG.</param>
internal sealed record RecurringResult(int Invoices, int CollectionsQueued, double Seconds, double AppCpuMsPerInvoice, double? ServerCpuMsPerInvoice,
    double CommandsPerInvoice, double ProviderCallsPerInvoice);

/// <summary>
/// The morning the recurring invoices of many firms fall due on one day: 20 firms with 1,000 clients each, one monthly
/// schedule per client (two lines with tax, EUR) planned for the firms' today, all on auto-collect, and every other
/// client with an active direct-debit mandate at the in-app GoCardless sandbox, set up through the portal's own
/// GoCardless client and hosted flow. The whole app runs on Kestrel (the sandbox is mounted in it); its hourly generator
/// and the auto-collection poll are off, so the one measured pass is the app's <see cref="RecurringGeneration"/>: every
/// invoice made, numbered and booked, and each mandated one handed to direct debit at once (a payment at GoCardless,
/// its scheduled collection, the amount pending on the invoice), as a new recurring invoice is.
/// </summary>
internal static class RecurringWorkload
{
    public const int Firms = 20;

    public static async Task<RecurringResult> RunAsync(BenchPostgres server, int schedules)
    {
        var connectionString = await server.CreateDatabaseAsync("portal_recurring");
        await using var app = PortalOnKestrel.Start(connectionString, new Dictionary<string, string>
        {
            // The emulator stands in for GoCardless; it takes no money, as on a public demo.
            ["Sandbox:Enabled"] = "true",
            ["Demo:PublicDemo"] = "true",
            ["Sandbox:Ticker"] = "false",
            // The bench runs the one pass it measures; the app's own timers would race it.
            ["Recurring:GenerateEvery"] = "00:00:00",
            ["DirectDebit:AutoCollectEvery"] = "00:00:00",
        });
        var services = app.Services;
        var watch = Stopwatch.StartNew();
        var (today, firms) = await SeedAsync(services, schedules);
        var mandated = firms.Sum(f => f.Mandated);
        Console.WriteLine($"recurring: seeded {Firms} firms, {schedules} schedules due on {today:yyyy-MM-dd}, {mandated} clients with a mandate, in {watch.Elapsed.TotalSeconds:F1} s");

        var generation = services.GetRequiredService<RecurringGeneration>();
        using var counter = new CallCounter();
        var serverCpuBefore = server.ServerCpu();
        var appCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        watch.Restart();
        var made = await generation.GenerateDueAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        var appCpu = Process.GetCurrentProcess().TotalProcessorTime - appCpuBefore;
        var serverCpu = server.ServerCpu() - serverCpuBefore;
        var (commands, providerCalls) = counter.Stop();
        Console.WriteLine($"recurring: one pass made {made} invoices in {seconds:F2} s");

        var again = await generation.GenerateDueAsync();
        var queued = await CheckAsync(services, firms, schedules, made, again, today);
        var perInvoice = Math.Max(1, made);
        return new RecurringResult(made, queued, seconds, appCpu.TotalMilliseconds / perInvoice, serverCpu?.TotalMilliseconds / perInvoice,
            (double)commands / perInvoice, (double)providerCalls / perInvoice);
    }

    private sealed record SeededFirm(Guid Id, int Clients, int Mandated);

    /// <summary>
    /// Firms, clients and schedules through the domain's constructors and EF (1,000 rows a save); GoCardless connected
    /// with a sandbox token; the mandates through the hosted flow, stored by the portal's own completion step.
    /// </summary>
    private static async Task<(DateOnly Today, List<SeededFirm> Firms)> SeedAsync(IServiceProvider services, int schedules)
    {
        var now = DateTimeOffset.UtcNow;
        DateOnly? today = null;
        var firms = new List<SeededFirm>();
        var mandateClients = new List<(Guid FirmId, Guid ClientId)>();
        for (var f = 0; f < Firms; f++)
        {
            var clients = schedules / Firms + (f < schedules % Firms ? 1 : 0);
            if (clients == 0)
                continue;
            var firmId = await BenchFirm.CreateAsync(services, $"recurring-{f:D2}");
            await using (var db = BenchFirm.OpenDb(services, firmId))
            {
                var firm = await db.Firms.SingleAsync();
                today ??= firm.LocalToday(now);
                var day = today.Value;
                var rule = new RecurrenceRule(RecurrenceInterval.Monthly, 0, day.Day, day, null, null, 0, 14);
                for (var i = 0; i < clients; i++)
                {
                    var client = new ClientAccount(firmId, $"Client {f:D2}-{i:D4}", $"billing{i}@client{f}-{i}.example", Currency.EUR, now.AddDays(-400));
                    db.ClientAccounts.Add(client);
                    List<InvoiceLineInput> lines = [new InvoiceLineInput("Monthly bookkeeping", 1, 250_00 + i % 7 * 10_00, 2000)];
                    if (i % 3 == 0)
                        lines.Add(new InvoiceLineInput("Payroll, per payslip", 4 + i % 5, 18_00, 2000));
                    db.RecurringSchedules.Add(new RecurringSchedule(client, Currency.EUR, $"Retainer {i:D4}", lines, rule, autoSend: false, autoCollect: true, now));
                    if (i % 2 == 0)
                        mandateClients.Add((firmId, client.Id));
                    if (i % 1000 == 999)
                        await db.SaveChangesAsync();
                }
                await db.SaveChangesAsync();
            }
            await using (var scope = BenchFirm.StaffScope(services, firmId))
            {
                var token = "sandbox_" + Guid.NewGuid().ToString("N");
                await scope.ServiceProvider.GetRequiredService<ProviderConnections>().SaveAsync(
                    PaymentProvider.GoCardless, ProviderMode.Sandbox, null, token, "gc_bench_" + Guid.NewGuid().ToString("N"));
            }
            firms.Add(new SeededFirm(firmId, clients, mandateClients.Count(m => m.FirmId == firmId)));
        }

        // The client's side of the hosted flow, as DirectDebitDriver does in the tests; webhooks are not registered,
        // so the portal's completion step (what the return page runs) stores each mandate.
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var baseUrl = new Uri("https://portal.bench.example/");
        var done = 0;
        await Parallel.ForEachAsync(mandateClients, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (pair, cancellationToken) =>
        {
            await using var scope = BenchFirm.StaffScope(services, pair.FirmId);
            var gc = await scope.ServiceProvider.GetRequiredService<GoCardlessConnector>().ClientAsync(cancellationToken);
            var attempt = Guid.NewGuid();
            var link = await GoCardlessMandateSetup.StartAsync(gc, new MandateSetupRequest(attempt, pair.ClientId, Currency.EUR,
                new Uri(baseUrl, $"portal/direct-debit/return?attempt={attempt:N}"), new Uri(baseUrl, $"portal/direct-debit/exit?attempt={attempt:N}")), cancellationToken);
            using (var approve = await browser.PostAsync(link.AuthorisationUrl, new FormUrlEncodedContent([new("action", "approve_active"), new("account_number", "12345678")]), cancellationToken))
            {
                if (approve.StatusCode != HttpStatusCode.Redirect)
                    throw new InvalidOperationException($"The sandbox's hosted flow answered {(int)approve.StatusCode} to the approval.");
            }
            if (!await scope.ServiceProvider.GetRequiredService<DirectDebitPayments>().CompleteSetupAsync(link.BillingRequestId, cancellationToken))
                throw new InvalidOperationException($"Billing request {link.BillingRequestId} was approved but not fulfilled.");
            if (Interlocked.Increment(ref done) % 2000 == 0)
                Console.WriteLine($"recurring: {done} mandates set up");
        });
        await using (var db = BenchFirm.OpenDb(services, null))
        {
            var usable = await db.DirectDebitMandates.IgnoreQueryFilters().CountAsync(m => m.Status == MandateStatus.Active);
            if (usable != mandateClients.Count)
                throw new InvalidOperationException($"{mandateClients.Count} mandates were set up, but {usable} active ones are stored.");
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE");
        }
        return (today ?? throw new InvalidOperationException("No firm was seeded."), firms);
    }

    /// <summary>Fails the run unless every schedule made exactly one invoice, numbered without gaps, booked, and collected when mandated.</summary>
    private static async Task<int> CheckAsync(IServiceProvider services, List<SeededFirm> firms, int schedules, int made, int again, DateOnly today)
    {
        await using var db = BenchFirm.OpenDb(services, null);
        var invoices = await db.Invoices.IgnoreQueryFilters().AsNoTracking()
            .Select(i => new { i.Id, i.FirmId, i.ClientAccountId, i.Number, i.Status, i.PendingMinor, i.IssueDate }).ToListAsync();
        var generated = await db.RecurringInvoices.IgnoreQueryFilters().AsNoTracking().Select(g => new { g.ScheduleId, g.InvoiceId }).ToListAsync();
        var stillDue = await db.RecurringSchedules.IgnoreQueryFilters().CountAsync(s => s.NextIssueOn <= today);
        var collections = await db.ScheduledCollections.IgnoreQueryFilters().AsNoTracking()
            .Select(c => new { c.InvoiceId, c.ClientAccountId, c.Automatic }).ToListAsync();
        var mandatedClients = (await db.DirectDebitMandates.IgnoreQueryFilters().Select(m => m.ClientAccountId).ToListAsync()).ToHashSet();
        var processing = await db.Payments.IgnoreQueryFilters().CountAsync(p => p.Method == PaymentMethod.DirectDebit && p.Status == PaymentStatus.Pending);

        var problems = new List<string>();
        if (made != schedules || invoices.Count != schedules)
            problems.Add($"{schedules} schedules were due: the pass reported {made} invoices and {invoices.Count} are stored");
        if (again != 0)
            problems.Add($"a second pass made {again} more invoices");
        if (generated.Count != schedules || generated.Select(g => g.ScheduleId).Distinct().Count() != schedules || generated.Select(g => g.InvoiceId).Distinct().Count() != schedules)
            problems.Add($"{generated.Count} generated rows for {generated.Select(g => g.ScheduleId).Distinct().Count()} schedules");
        if (stillDue != 0)
            problems.Add($"{stillDue} schedules are still due today");
        if (invoices.Any(i => i.Status != InvoiceStatus.Open || i.Number is null || i.IssueDate != today))
            problems.Add("an invoice is not issued today with a number");
        foreach (var firm in firms)
        {
            var numbers = invoices.Where(i => i.FirmId == firm.Id).Select(i => int.Parse(i.Number![^5..], CultureInfo.InvariantCulture)).Order().ToList();
            if (!numbers.SequenceEqual(Enumerable.Range(1, firm.Clients)))
                problems.Add($"firm {firm.Id}: {numbers.Count} invoices, numbers not 1 to {firm.Clients} without gaps");
        }
        var expected = invoices.Count(i => mandatedClients.Contains(i.ClientAccountId));
        var collectedInvoices = collections.Where(c => c.Automatic && c.InvoiceId is not null).Select(c => c.InvoiceId!.Value).ToHashSet();
        var invoiceIds = invoices.Where(i => mandatedClients.Contains(i.ClientAccountId)).Select(i => i.Id).ToHashSet();
        if (collections.Count != expected || collectedInvoices.Count != expected || !collectedInvoices.SetEquals(invoiceIds) || processing != expected)
            problems.Add($"{expected} invoices of mandated clients: {collections.Count} collections scheduled for {collectedInvoices.Count} invoices, {processing} direct debits pending");
        if (invoices.Count(i => i.PendingMinor > 0) != expected)
            problems.Add($"{invoices.Count(i => i.PendingMinor > 0)} invoices have money pending, {expected} expected");
        if (problems.Count > 0)
            throw new InvalidOperationException("The recurring pass is wrong: " + string.Join("; ", problems) + ".");
        foreach (var firm in firms)
            await BenchFirm.CheckBooksAsync(services, firm.Id);
        return collections.Count;
    }

    /// <summary>
    /// Counts, while it lives, the commands sent to PostgreSQL (a batch is one) and the HTTP requests the app sends to
    /// GoCardless, from the activities Npgsql and HttpClient start for tracing.
    /// </summary>
    private sealed class CallCounter : IDisposable
    {
        private readonly ActivityListener _listener;
        private long _commands;
        private long _requests;
        private bool _stopped;

        public CallCounter()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "Npgsql" or "System.Net.Http",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
                ActivityStopped = activity =>
                {
                    if (Volatile.Read(ref _stopped))
                        return;
                    if (activity.Source.Name == "Npgsql")
                        Interlocked.Increment(ref _commands);
                    else
                        Interlocked.Increment(ref _requests);
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public (long Commands, long Requests) Stop()
        {
            Volatile.Write(ref _stopped, true);
            return (Interlocked.Read(ref _commands), Interlocked.Read(ref _requests));
        }

        public void Dispose() => _listener.Dispose();
    }
}
