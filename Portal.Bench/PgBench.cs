using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.Bench;

/// <summary>PostgreSQL's own benchmark on the same server: TPC-B-like, the yardstick for the ledger figure, or select-only (-S) for the lists.</summary>
internal static partial class PgBench
{
    /// <summary>Runs pgbench; returns its transactions per second, and the server's CPU per transaction when it can be read.</summary>
    public static async Task<(double Tps, TimeSpan? ServerCpuPerTransaction)> RunAsync(BenchPostgres server, int clients, int seconds, bool selectOnly = false)
    {
        await server.CreateDatabaseAsync("pgbench");
        string[] connection = ["-h", server.Host, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", server.User];
        var pgbench = Path.Combine(BenchPostgres.BinFolder, "pgbench");
        await Shell.RunAsync(pgbench, ["-i", "-q", .. connection, "pgbench"]);
        var cpuBefore = server.ServerCpu();
        string[] mode = selectOnly ? ["-S"] : [];
        var output = await Shell.RunAsync(pgbench, [.. mode, "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture), .. connection, "pgbench"]);
        var serverCpu = server.ServerCpu() - cpuBefore;
        var tps = Tps().Match(output);
        var transactions = Transactions().Match(output);
        if (!tps.Success || !transactions.Success)
            throw new InvalidOperationException("pgbench printed no tps or transaction count: " + output);
        var count = long.Parse(transactions.Groups[1].Value, CultureInfo.InvariantCulture);
        return (double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture), serverCpu / Math.Max(1, count));
    }

    [GeneratedRegex(@"number of transactions actually processed: ([0-9]+)")]
    private static partial Regex Transactions();

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
