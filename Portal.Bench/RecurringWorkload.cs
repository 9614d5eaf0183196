using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
/// <param name="SecondsInCommands">Time from each PostgreSQL command's start to its end, added up over the pass (over its concurrent connections, so it can exceed the pass's duration).</param>
/// <param name="SecondsInProviderCalls">The same for the requests to GoCardless (the in-app sandbox answering them).</param>
/// <param name="ServerCpuMsPerInvoice">The throwaway cluster's CPU over the pass, per invoice; null on a server given in PORTAL_BENCH_PG.</param>
internal sealed record RecurringResult(int Invoices, int CollectionsQueued, double Seconds, double AppCpuMsPerInvoice, double? ServerCpuMsPerInvoice,
    double CommandsPerInvoice, double SecondsInCommands, double ProviderCallsPerInvoice, double SecondsInProviderCalls);

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
            // Nor does the app ask GoCardless for events that never came by webhook: it would find the seeding's
            // 50,000 and apply them beside the pass.
            ["Webhooks:ReconcileEvery"] = "1.00:00:00",
        });
        var services = app.Services;
        // At start the app registers the sandbox's webhooks of the GoCardless connections it finds; the bench connects
        // its firms after that, so GoCardless sends no webhooks: applying them is the webhooks bench's subject, and
        // here the processor would work through the seeding's 50,000 events while the pass is measured.
        var registration = services.GetServices<IHostedService>().OfType<BackgroundService>().Single(s => s.GetType().Name == "SandboxWebhookRegistration");
        await (registration.ExecuteTask ?? Task.CompletedTask);
        var watch = Stopwatch.StartNew();
        var (today, firms) = await SeedAsync(services, schedules);
        var mandated = firms.Sum(f => f.Mandated);
        Console.WriteLine($"recurring: seeded {Firms} firms, {schedules} schedules due on {today:yyyy-MM-dd}, {mandated} clients with a mandate, in {watch.Elapsed.TotalSeconds:F1} s");

        var generation = services.GetRequiredService<RecurringGeneration>();
        using var counter = new CallCounter();
        var serverCpuBefore = server.ServerCpu();
        var appCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        watch.Restart();
        int made;
        using (counter.Pass())
            made = await generation.GenerateDueAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        var appCpu = Process.GetCurrentProcess().TotalProcessorTime - appCpuBefore;
        var serverCpu = server.ServerCpu() - serverCpuBefore;
        var calls = counter.Stop();
        Console.WriteLine($"recurring: one pass made {made} invoices in {seconds:F2} s");

        var again = await generation.GenerateDueAsync();
        var queued = await CheckAsync(services, firms, schedules, made, again, today);
        var perInvoice = Math.Max(1, made);
        return new RecurringResult(made, queued, seconds, appCpu.TotalMilliseconds / perInvoice, serverCpu?.TotalMilliseconds / perInvoice,
            (double)calls.Commands / perInvoice, calls.InCommands.TotalSeconds, (double)calls.Requests / perInvoice, calls.InRequests.TotalSeconds);
    }

    private sealed record CallCount(long Commands, TimeSpan InCommands, long Requests, TimeSpan InRequests);

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

        // The client's side of the hosted flow, as DirectDebitDriver does in the tests; with no webhooks, the portal's
        // completion step (what the return page runs) stores each mandate.
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
        var webhooks = await db.WebhookEvents.IgnoreQueryFilters().CountAsync();
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
        if (webhooks != 0)
            problems.Add($"GoCardless sent {webhooks} webhook events, which the app applied beside the pass");
        if (problems.Count > 0)
            throw new InvalidOperationException("The recurring pass is wrong: " + string.Join("; ", problems) + ".");
        foreach (var firm in firms)
            await BenchFirm.CheckBooksAsync(services, firm.Id);
        return collections.Count;
    }

    /// <summary>
    /// Counts the commands sent to PostgreSQL (a batch is one) and the HTTP requests sent to GoCardless within the pass,
    /// from the activities Npgsql and HttpClient start for tracing: only those under the pass's own activity, not
    /// those of the app's background services (outbox, live updates) running meanwhile.
    /// </summary>
    private sealed class CallCounter : IDisposable
    {
        private static readonly ActivitySource Source = new("Portal.Bench.Recurring");
        private readonly ActivityListener _listener;
        private string? _passRoot;
        private long _commands;
        private long _requests;
        private long _commandTicks;
        private long _requestTicks;
        private bool _stopped;

        public CallCounter()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "Npgsql" or "System.Net.Http" or "Portal.Bench.Recurring",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
                ActivityStopped = activity =>
                {
                    if (Volatile.Read(ref _stopped) || activity.Source == Source || activity.RootId != Volatile.Read(ref _passRoot))
                        return;
                    if (activity.Source.Name == "Npgsql")
                    {
                        Interlocked.Increment(ref _commands);
                        Interlocked.Add(ref _commandTicks, activity.Duration.Ticks);
                    }
                    else
                    {
                        Interlocked.Increment(ref _requests);
                        Interlocked.Add(ref _requestTicks, activity.Duration.Ticks);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        /// <summary>The pass's activity: what runs under it is counted.</summary>
        public Activity Pass()
        {
            var pass = Source.StartActivity("recurring pass") ?? throw new InvalidOperationException("The pass's activity was not created.");
            Volatile.Write(ref _passRoot, pass.RootId);
            return pass;
        }

        /// <summary>How many commands and requests, and how long each kind took from start to end, added up.</summary>
        public CallCount Stop()
        {
            Volatile.Write(ref _stopped, true);
            return new CallCount(Interlocked.Read(ref _commands), TimeSpan.FromTicks(Interlocked.Read(ref _commandTicks)),
                Interlocked.Read(ref _requests), TimeSpan.FromTicks(Interlocked.Read(ref _requestTicks)));
        }

        public void Dispose() => _listener.Dispose();
    }
}
