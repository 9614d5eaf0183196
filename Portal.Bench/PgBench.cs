using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.Bench;

/// <summary>PostgreSQL's own TPC-B-like benchmark on the same server: the yardstick for the ledger figure.</summary>
internal static partial class PgBench
{
    public static async Task<double> RunAsync(BenchPostgres server, int clients, int seconds)
    {
        await server.CreateDatabaseAsync("pgbench");
        string[] connection = ["-h", server.Host, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", server.User];
        var pgbench = Path.Combine(BenchPostgres.BinFolder, "pgbench");
        await Shell.RunAsync(pgbench, ["-i", "-q", .. connection, "pgbench"]);
        var output = await Shell.RunAsync(pgbench, ["-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture), .. connection, "pgbench"]);
        var tps = Tps().Match(output);
        return tps.Success
            ? double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("pgbench printed no tps line: " + output);
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
