using System.Globalization;
using Portal.Bench;

// dotnet run -c Release --project Portal.Bench -- ledger [--seconds 20] [--workers 8]
// dotnet run -c Release --project Portal.Bench -- webhooks [--seconds 20] [--senders 8] [--events 10000]
// dotnet run -c Release --project Portal.Bench -- live [--seconds 20] [--clients 500]
// dotnet run -c Release --project Portal.Bench -- circuits [--tabs 50] [--by-type]
// dotnet run -c Release --project Portal.Bench -- fec [--transactions 200000]
// dotnet run -c Release --project Portal.Bench -- pdf [--renders 500]
// dotnet run -c Release --project Portal.Bench -- email [--emails 5000]
// dotnet run -c Release --project Portal.Bench -- lists [--seconds 10] [--workers 4]
// dotnet run -c Release --project Portal.Bench -- reminders [--seconds 10] [--clients 1]
// dotnet run -c Release --project Portal.Bench -- api [--seconds 20] [--clients 16]
// dotnet run -c Release --project Portal.Bench -- import [--rows 50000]
// dotnet run -c Release --project Portal.Bench -- recurring [--schedules 20000] [--seconds 20]
// The browser side of the circuits bench, started by it as a second process.
if (args is ["circuit-tabs", var baseUrl])
    return await BrowserTabs.DriveAsync(new Uri(baseUrl));
// The PDF bench needs no database: it lays out one invoice again and again.
if (args is ["pdf", ..])
    return PdfWorkload.Run(args);

var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Portal.Bench ledger [--seconds N] [--workers N]");
    Console.Error.WriteLine("       Portal.Bench webhooks [--seconds N] [--senders N] [--events N]");
    Console.Error.WriteLine("       Portal.Bench live [--seconds N] [--clients N]");
    Console.Error.WriteLine("       Portal.Bench circuits [--tabs N] [--by-type]");
    Console.Error.WriteLine("       Portal.Bench fec [--transactions N]");
    Console.Error.WriteLine("       Portal.Bench pdf [--renders N]");
    Console.Error.WriteLine("       Portal.Bench email [--emails N]");
    Console.Error.WriteLine("       Portal.Bench lists [--seconds N] [--workers N]");
    Console.Error.WriteLine("       Portal.Bench reminders [--seconds N] [--clients N]");
    Console.Error.WriteLine("       Portal.Bench api [--seconds N] [--clients N]");
    Console.Error.WriteLine("       Portal.Bench import [--rows N]");
    Console.Error.WriteLine("       Portal.Bench recurring [--schedules N] [--seconds N]");
    Console.Error.WriteLine("(PORTAL_BENCH_PG=<admin connection string> to use a running server)");
    return 2;
}

await using var server = await BenchPostgres.StartAsync();
Console.WriteLine($"PostgreSQL at {server.Host}:{server.Port}{(server.Throwaway ? " (throwaway cluster)" : "")}");

switch (options.Mode)
{
    case BenchMode.Ledger:
    {
        var pgbenchTps = await PgBenchYardstickAsync(server, options);
        var ledgerOps = await LedgerWorkload.RunAsync(server, options.Count, options.Seconds);
        Console.WriteLine($"ledger_ops_per_s={Figure(ledgerOps)}");
        Console.WriteLine($"pgbench_tps={Figure(pgbenchTps)}");
        Console.WriteLine($"ledger_vs_pgbench={Ratio(ledgerOps, pgbenchTps)}");
        break;
    }
    case BenchMode.Webhooks:
    {
        var pgbenchTps = await PgBenchYardstickAsync(server, options);
        var webhooks = await WebhookWorkload.RunAsync(server, options.Count, options.Events);
        Console.WriteLine($"webhook_accepted_per_s={Figure(webhooks.AcceptedPerSecond)}");
        Console.WriteLine($"webhook_applied_while_sending_per_s={Figure(webhooks.AppliedWhileSendingPerSecond)}");
        Console.WriteLine($"webhook_apply_per_s={Figure(webhooks.ApplyPerSecond)}");
        Console.WriteLine($"burst_drain_s={Figure(webhooks.BurstDrainSeconds)}");
        Console.WriteLine($"ack_p50_ms={Figure(webhooks.AckP50Ms)}");
        Console.WriteLine($"ack_p99_ms={Figure(webhooks.AckP99Ms)}");
        Console.WriteLine($"pgbench_tps={Figure(pgbenchTps)}");
        Console.WriteLine($"webhooks_vs_pgbench={Ratio(webhooks.AcceptedPerSecond, pgbenchTps)}");
        Console.WriteLine($"apply_vs_pgbench={Ratio(webhooks.ApplyPerSecond, pgbenchTps)}");
        break;
    }
    case BenchMode.Live:
        var live = await LiveWorkload.RunAsync(server, options.Count, options.Seconds);
        Console.WriteLine($"live_measured={live.Measured}");
        Console.WriteLine($"live_p50_ms={Figure(live.P50Ms)}");
        Console.WriteLine($"live_p99_ms={Figure(live.P99Ms)}");
        Console.WriteLine($"live_max_ms={Figure(live.MaxMs)}");
        break;
    case BenchMode.Fec:
    {
        var fec = await FecWorkload.RunAsync(server, options.Count);
        Console.WriteLine($"fec_transactions={fec.Transactions}");
        Console.WriteLine($"fec_lines={fec.Lines}");
        Console.WriteLine($"fec_rows_per_s={Figure(fec.RowsPerSecond)}");
        Console.WriteLine($"fec_peak_mb={Figure(fec.PeakManagedMb)}");
        Console.WriteLine($"fec_peak_working_set_mb={Figure(fec.PeakWorkingSetMb)}");
        Console.WriteLine($"copy_rows_per_s={Figure(fec.CopyRowsPerSecond)}");
        Console.WriteLine($"fec_vs_copy={Ratio(fec.RowsPerSecond, fec.CopyRowsPerSecond)}");
        break;
    }
    case BenchMode.Reminders:
    {
        var swept = await RemindersWorkload.RunAsync(server, options.Seconds);
        var tps = await PgBenchYardstickAsync(server, options);
        var decisionsPerSecond = swept.Considered / swept.SweepSeconds;
        Console.WriteLine($"sweep_invoices={swept.Invoices}");
        Console.WriteLine($"sweep_decisions={swept.Considered}");
        Console.WriteLine($"sweep_queued={swept.Queued}");
        Console.WriteLine($"sweep_second_run_queued={swept.SecondSweepQueued}");
        Console.WriteLine($"sweep_s={swept.SweepSeconds.ToString("F2", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"sweep_decisions_per_s={Figure(decisionsPerSecond)}");
        Console.WriteLine($"sweep_vs_pgbench={Ratio(decisionsPerSecond, tps)}");
        Console.WriteLine($"collections_clients={swept.CollectionsClients}");
        Console.WriteLine($"collections_ms_p50={Figure(swept.CollectionsP50Ms)}");
        Console.WriteLine($"collections_ms_p95={Figure(swept.CollectionsP95Ms)}");
        if (swept.SecondSweepQueued != 0)
            return 1;
        break;
    }
    case BenchMode.Lists:
    {
        var lists = await ListsWorkload.RunAsync(server, options.Count, options.Seconds);
        var selectTps = await PgBenchSelectOnlyAsync(server, options);
        foreach (var list in lists.Lists)
            Console.WriteLine($"list_ms_p95={Figure(list.P95Ms)} list={list.List} p50_ms={Figure(list.P50Ms)}");
        Console.WriteLine($"list_queries_per_s={Figure(lists.PageQueriesPerSecond)}");
        Console.WriteLine($"pgbench_select_tps={Figure(selectTps)}");
        Console.WriteLine($"list_vs_pgbench={(lists.PageQueriesPerSecond / selectTps).ToString("F3", CultureInfo.InvariantCulture)}");
        break;
    }
    case BenchMode.Api:
    {
        var api = await ApiWorkload.RunAsync(server, options.Count, options.Seconds);
        var selectTps = await PgBenchSelectOnlyAsync(server, options);
        Console.WriteLine($"api_requests={api.Requests}");
        Console.WriteLine($"api_rps={Figure(api.RequestsPerSecond)}");
        Console.WriteLine($"api_p50_ms={Figure(api.P50Ms)}");
        Console.WriteLine($"api_p99_ms={Figure(api.P99Ms)}");
        Console.WriteLine($"api_list_p99_ms={Figure(api.ListP99Ms)}");
        Console.WriteLine($"api_get_p99_ms={Figure(api.GetP99Ms)}");
        Console.WriteLine($"pgbench_select_tps={Figure(selectTps)}");
        Console.WriteLine($"api_vs_pgbench={(api.RequestsPerSecond / selectTps).ToString("F3", CultureInfo.InvariantCulture)}");
        break;
    }
    case BenchMode.Import:
    {
        var import = await ImportWorkload.RunAsync(server, options.Count);
        Console.WriteLine($"import_rows={import.Rows}");
        Console.WriteLine($"import_file_kb={import.FileBytes / 1024}");
        Console.WriteLine($"import_preview_s={import.PreviewSeconds.ToString("F2", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"import_commit_s={import.CommitSeconds.ToString("F2", CultureInfo.InvariantCulture)}");
        // The whole import as staff live it: the preview, then the commit.
        Console.WriteLine($"import_rows_per_s={Figure(import.Rows / (import.PreviewSeconds + import.CommitSeconds))}");
        Console.WriteLine($"import_peak_mb={Figure(import.PeakManagedMb)}");
        Console.WriteLine($"import_peak_working_set_mb={Figure(import.PeakWorkingSetMb)}");
        break;
    }
    case BenchMode.Recurring:
    {
        var recurring = await RecurringWorkload.RunAsync(server, options.Count);
        // One generator works through the firms one invoice at a time: pgbench's yardstick gets one client.
        var tps = await PgBenchYardstickAsync(server, options with { Count = 1 });
        // Each invoice is made and, for a mandated client, collection-queued within the pass: the pass's rate covers both.
        var perSecond = recurring.Invoices / recurring.Seconds;
        Console.WriteLine($"recurring_invoices={recurring.Invoices}");
        Console.WriteLine($"recurring_collections_queued={recurring.CollectionsQueued}");
        Console.WriteLine($"recurring_seconds={recurring.Seconds.ToString("F2", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"recurring_per_s={Figure(perSecond)}");
        Console.WriteLine($"recurring_app_cpu_ms_per_invoice={recurring.AppCpuMsPerInvoice.ToString("F2", CultureInfo.InvariantCulture)}");
        if (recurring.ServerCpuMsPerInvoice is { } serverCpu)
            Console.WriteLine($"recurring_server_cpu_ms_per_invoice={serverCpu.ToString("F2", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"recurring_commands_per_invoice={Figure(recurring.CommandsPerInvoice)}");
        Console.WriteLine($"recurring_provider_calls_per_invoice={recurring.ProviderCallsPerInvoice.ToString("F2", CultureInfo.InvariantCulture)}");
        // Where the pass's time went: waiting on PostgreSQL, on GoCardless (the sandbox), and the rest in the app itself.
        Console.WriteLine($"recurring_s_in_commands={recurring.SecondsInCommands.ToString("F2", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"recurring_s_in_provider_calls={recurring.SecondsInProviderCalls.ToString("F2", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"pgbench_tps={Figure(tps)}");
        Console.WriteLine($"recurring_vs_pgbench={Ratio(perSecond, tps)}");
        break;
    }
    case BenchMode.Circuits:
        var circuits = await CircuitWorkload.RunAsync(server, options.Count, options.ByType);
        Console.WriteLine($"circuits: managed heap {circuits.TotalMemoryBefore / 1024} KB before, {circuits.TotalMemoryAfter / 1024} KB after; "
            + $"GC heap size {circuits.HeapSizeBefore / 1024} KB before, {circuits.HeapSizeAfter / 1024} KB after");
        Console.WriteLine($"circuit_tabs={circuits.Tabs}");
        Console.WriteLine($"circuit_kb={circuits.KilobytesPerCircuit}");
        Console.WriteLine($"circuit_heap_size_kb={circuits.HeapKilobytesPerCircuit}");
        if (circuits.ByType is { } byType)
            Console.Write(byType);
        break;
    case BenchMode.Email:
        var email = await EmailWorkload.RunAsync(server, options.Count);
        Console.WriteLine($"emails={email.Emails}");
        Console.WriteLine($"emails_per_s={Figure(email.EmailsPerSecond)}");
        Console.WriteLine($"emails_queued_per_s={Figure(email.QueuedPerSecond)}");
        Console.WriteLine($"emails_duplicated={email.Duplicates}");
        Console.WriteLine($"emails_missing={email.Missing}");
        if (email.Duplicates != 0 || email.Missing != 0)
            return 1;
        break;
}
return 0;

// The yardstick: as many pgbench clients as the app has workers or senders, for as long.
static async Task<double> PgBenchYardstickAsync(BenchPostgres server, BenchOptions options)
{
    var (tps, serverCpu) = await PgBench.RunAsync(server, options.Count, options.Seconds);
    Console.WriteLine($"pgbench TPC-B: {tps:F1} tps" + (serverCpu is { } cpu ? $", {cpu.TotalMilliseconds:F2} ms of server CPU per transaction" : ""));
    return tps;
}

// The yardstick of reads: pgbench select-only with as many clients as the app has workers or integrations, for as long.
static async Task<double> PgBenchSelectOnlyAsync(BenchPostgres server, BenchOptions options)
{
    var (tps, _) = await PgBench.RunAsync(server, options.Count, options.Seconds, selectOnly: true);
    Console.WriteLine($"pgbench select-only: {tps:F1} tps with {options.Count} clients");
    return tps;
}

static string Figure(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
static string Ratio(double value, double yardstick) => (value / yardstick).ToString("F2", CultureInfo.InvariantCulture);

internal enum BenchMode { Ledger, Webhooks, Live, Circuits, Fec, Email, Lists, Reminders, Api, Import, Recurring }

/// <param name="Count">Ledger workers, webhook senders, list workers or API clients (also pgbench's client count), live contacts, browser tabs, FEC ledger transactions, import rows or recurring schedules.</param>
/// <param name="ByType">Circuits only: also compare the heap by type before and after (see HeapByType).</param>
/// <param name="Events">Webhooks only: the size of the burst of events.</param>
internal sealed record BenchOptions(BenchMode Mode, int Seconds, int Count, bool ByType = false, int Events = 10_000)
{
    public static BenchOptions? Parse(string[] args)
    {
        var byType = args.Length > 0 && args[0] == "circuits" && args.Contains("--by-type");
        args = byType ? [.. args.Where(a => a != "--by-type")] : args;
        if (args.Length == 0)
            return null;
        (BenchMode Mode, string CountFlag, int DefaultCount, bool TakesSeconds)? mode = args[0] switch
        {
            "ledger" => (BenchMode.Ledger, "--workers", 8, true),
            "webhooks" => (BenchMode.Webhooks, "--senders", 8, true),
            "live" => (BenchMode.Live, "--clients", 500, true),
            "circuits" => (BenchMode.Circuits, "--tabs", 50, false),
            "fec" => (BenchMode.Fec, "--transactions", 200_000, false),
            "email" => (BenchMode.Email, "--emails", 5000, false),
            "lists" => (BenchMode.Lists, "--workers", 4, true),
            // One sweeper: pgbench's yardstick runs with as many clients (one by default).
            "reminders" => (BenchMode.Reminders, "--clients", 1, true),
            // Sixteen integrations at once; pgbench's yardstick gets as many clients.
            "api" => (BenchMode.Api, "--clients", 16, true),
            "import" => (BenchMode.Import, "--rows", 50_000, false),
            // 20 firms' schedules all due on one day; pgbench's yardstick runs with one client, the one the goal was set against.
            "recurring" => (BenchMode.Recurring, "--schedules", 20_000, true),
            _ => null,
        };
        if (mode is not { } chosen || args.Length % 2 == 0)
            return null;
        var seconds = 20;
        var count = chosen.DefaultCount;
        var events = 10_000;
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                return null;
            if (args[i] == "--seconds" && chosen.TakesSeconds)
                seconds = value;
            else if (args[i] == chosen.CountFlag)
                count = value;
            else if (args[i] == "--events" && chosen.Mode == BenchMode.Webhooks)
                events = value;
            else
                return null;
        }
        return seconds > 0 && count > 0 && events > 0 ? new BenchOptions(chosen.Mode, seconds, count, byType, events) : null;
    }
}
