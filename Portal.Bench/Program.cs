using System.Globalization;
using Portal.Bench;

// dotnet run -c Release --project Portal.Bench -- ledger [--seconds 20] [--workers 8]
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Portal.Bench ledger [--seconds N] [--workers N]   (PORTAL_BENCH_PG=<admin connection string> to use a running server)");
    return 2;
}

await using var server = await BenchPostgres.StartAsync();
Console.WriteLine($"PostgreSQL at {server.Host}:{server.Port}{(server.Throwaway ? " (throwaway cluster)" : "")}");

var pgbenchTps = await PgBench.RunAsync(server, options.Workers, options.Seconds);
Console.WriteLine($"pgbench TPC-B: {pgbenchTps:F1} tps");

var ledgerOps = await LedgerWorkload.RunAsync(server, options.Workers, options.Seconds);

Console.WriteLine($"ledger_ops_per_s={ledgerOps.ToString("F1", CultureInfo.InvariantCulture)}");
Console.WriteLine($"pgbench_tps={pgbenchTps.ToString("F1", CultureInfo.InvariantCulture)}");
Console.WriteLine($"ledger_vs_pgbench={(ledgerOps / pgbenchTps).ToString("F2", CultureInfo.InvariantCulture)}");
return 0;

internal sealed record BenchOptions(int Seconds, int Workers)
{
    public static BenchOptions? Parse(string[] args)
    {
        if (args.Length == 0 || args[0] != "ledger")
            return null;
        var seconds = 20;
        var workers = 8;
        for (var i = 1; i < args.Length - 1; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--seconds": seconds = value; break;
                case "--workers": workers = value; break;
                default: return null;
            }
        }
        return seconds > 0 && workers > 0 ? new BenchOptions(seconds, workers) : null;
    }
}
