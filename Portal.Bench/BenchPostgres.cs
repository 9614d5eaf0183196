using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Portal.Bench;

/// <summary>
/// The server both benchmarks run on: PORTAL_BENCH_PG when set, else a throwaway cluster in a temporary folder
/// (as the test fixture does), with PostgreSQL's default durability so both figures pay for real commits.
/// </summary>
internal sealed class BenchPostgres : IAsyncDisposable
{
    private readonly string? _folder;

    private BenchPostgres(string adminConnectionString, string? folder)
    {
        AdminConnectionString = adminConnectionString;
        _folder = folder;
        var parsed = new NpgsqlConnectionStringBuilder(adminConnectionString);
        Host = parsed.Host ?? "127.0.0.1";
        Port = parsed.Port;
        User = parsed.Username ?? "postgres";
    }

    public string AdminConnectionString { get; }
    public string Host { get; }
    public int Port { get; }
    public string User { get; }
    public bool Throwaway => _folder is not null;
    public static string BinFolder { get; } = Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal)
        .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "pgbench")))
        ?? throw new InvalidOperationException("PostgreSQL (with pgbench) is not installed under /usr/lib/postgresql.");

    public static async Task<BenchPostgres> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("PORTAL_BENCH_PG") is { Length: > 0 } given)
            return new BenchPostgres(given, null);
        var folder = Directory.CreateTempSubdirectory("portal-bench-pg-").FullName;
        var port = FreePort();
        if (Environment.UserName == "root")
            await Shell.RunAsync("chown", ["postgres:postgres", folder]);
        await AsPostgresAsync("initdb", ["-D", folder, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
        await AsPostgresAsync("pg_ctl", ["-D", folder, "-l", Path.Combine(folder, "server.log"), "-w", "start",
            "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c max_connections=200"]);
        return new BenchPostgres($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", folder);
    }

    // Other clusters run on this machine too: ask the system for a port nobody listens on.
    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        foreach (var sql in new[] { $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", $"CREATE DATABASE \"{name}\"" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
        // Prepared statements spare the server a parse and plan of the same few queries on every operation.
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, MaxPoolSize = 50, MaxAutoPrepare = 64, AutoPrepareMinUsages = 2, NoResetOnClose = true }.ConnectionString;
    }

    /// <summary>
    /// CPU time the throwaway cluster's processes have used so far (the postmaster, its live children, and the
    /// children it has already reaped, such as the backends of closed connections); null for a server given in
    /// PORTAL_BENCH_PG. Read from /proc, in the kernel's ticks of 1/100 s.
    /// </summary>
    public TimeSpan? ServerCpu()
    {
        if (_folder is null || !File.Exists(Path.Combine(_folder, "postmaster.pid")))
            return null;
        var postmaster = File.ReadLines(Path.Combine(_folder, "postmaster.pid")).First().Trim();
        long ticks = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            var fields = ProcStat(folder);
            if (fields is null)
                continue;
            // After the command name: [0] state, [1] parent pid, … [11] utime, [12] stime, [13] cutime, [14] cstime.
            if (Path.GetFileName(folder) == postmaster)
                ticks += fields[11] + fields[12] + fields[13] + fields[14];
            else if (fields[1].ToString(CultureInfo.InvariantCulture) == postmaster)
                ticks += fields[11] + fields[12];
        }
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private static long[]? ProcStat(string folder)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(folder, "stat"));
            // The command name is in parentheses and may hold spaces: the numbers start after the last ')'.
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')
                .Select(field => long.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : 0).ToArray();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null; // Not a process, or one that has just ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is null)
            return;
        NpgsqlConnection.ClearAllPools();
        await AsPostgresAsync("pg_ctl", ["-D", _folder, "-m", "immediate", "-w", "stop"]);
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static Task<string> AsPostgresAsync(string tool, IReadOnlyList<string> arguments) =>
        Environment.UserName == "root"
            ? Shell.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(BinFolder, tool), .. arguments])
            : Shell.RunAsync(Path.Combine(BinFolder, tool), arguments);
}

internal static class Shell
{
    /// <summary>Runs a program to the end and returns what it printed; a non-zero exit is an error.</summary>
    public static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await output + await error
            : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output} {await error}");
    }
}
