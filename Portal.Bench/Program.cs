using System.Globalization;
using Portal.Bench;

// dotnet run -c Release --project Portal.Bench -- ledger [--seconds 20] [--workers 8]
// dotnet run -c Release --project Portal.Bench -- webhooks [--seconds 20] [--senders 8]
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Portal.Bench ledger [--seconds N] [--workers N]");
    Console.Error.WriteLine("       Portal.Bench webhooks [--seconds N] [--senders N]");
    Console.Error.WriteLine("(PORTAL_BENCH_PG=<admin connection string> to use a running server)");
    return 2;
}

await using var server = await BenchPostgres.StartAsync();
Console.WriteLine($"PostgreSQL at {server.Host}:{server.Port}{(server.Throwaway ? " (throwaway cluster)" : "")}");

// The yardstick: as many pgbench clients as the app has workers or senders, for as long.
var pgbenchTps = await PgBench.RunAsync(server, options.Concurrency, options.Seconds);
Console.WriteLine($"pgbench TPC-B: {pgbenchTps:F1} tps");

switch (options.Mode)
{
    case BenchMode.Ledger:
        var ledgerOps = await LedgerWorkload.RunAsync(server, options.Concurrency, options.Seconds);
        Console.WriteLine($"ledger_ops_per_s={Figure(ledgerOps)}");
        Console.WriteLine($"pgbench_tps={Figure(pgbenchTps)}");
        Console.WriteLine($"ledger_vs_pgbench={Ratio(ledgerOps, pgbenchTps)}");
        break;
    case BenchMode.Webhooks:
        var webhooks = await WebhookWorkload.RunAsync(server, options.Concurrency, options.Seconds);
        Console.WriteLine($"webhook_accepted_per_s={Figure(webhooks.AcceptedPerSecond)}");
        Console.WriteLine($"webhook_applied_per_s={Figure(webhooks.AppliedPerSecond)}");
        Console.WriteLine($"ack_p50_ms={Figure(webhooks.AckP50Ms)}");
        Console.WriteLine($"ack_p99_ms={Figure(webhooks.AckP99Ms)}");
        Console.WriteLine($"pgbench_tps={Figure(pgbenchTps)}");
        Console.WriteLine($"webhooks_vs_pgbench={Ratio(webhooks.AcceptedPerSecond, pgbenchTps)}");
        break;
}
return 0;

static string Figure(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
static string Ratio(double value, double yardstick) => (value / yardstick).ToString("F2", CultureInfo.InvariantCulture);

internal enum BenchMode { Ledger, Webhooks }

/// <param name="Concurrency">Ledger workers or webhook senders; also pgbench's client count.</param>
internal sealed record BenchOptions(BenchMode Mode, int Seconds, int Concurrency)
{
    public static BenchOptions? Parse(string[] args)
    {
        if (args.Length == 0)
            return null;
        (BenchMode Mode, string ConcurrencyFlag)? mode = args[0] switch
        {
            "ledger" => (BenchMode.Ledger, "--workers"),
            "webhooks" => (BenchMode.Webhooks, "--senders"),
            _ => null,
        };
        if (mode is not { } chosen || args.Length % 2 == 0)
            return null;
        var seconds = 20;
        var concurrency = 8;
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                return null;
            if (args[i] == "--seconds")
                seconds = value;
            else if (args[i] == chosen.ConcurrencyFlag)
                concurrency = value;
            else
                return null;
        }
        return seconds > 0 && concurrency > 0 ? new BenchOptions(chosen.Mode, seconds, concurrency) : null;
    }
}
