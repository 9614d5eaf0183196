using System.Diagnostics;
using Npgsql;

namespace Portal.Tests.Fixture;

/// <summary>
/// The PostgreSQL server the tests use: the one named by PORTAL_TEST_PG (the test script starts a throwaway
/// cluster and sets it), or else a throwaway cluster this process starts itself and stops on exit.
/// </summary>
public static class TestPostgres
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _adminConnectionString;

    public static async Task<string> CreateDatabaseAsync(string name)
    {
        var admin = await AdminConnectionStringAsync();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection))
            await drop.ExecuteNonQueryAsync();
        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection))
            await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true, MaxPoolSize = 60 }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(await AdminConnectionStringAsync());
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    public static async Task<string> AdminConnectionStringAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _adminConnectionString ??= Environment.GetEnvironmentVariable("PORTAL_TEST_PG") is { Length: > 0 } given
                ? given
                : await StartThrowawayClusterAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> StartThrowawayClusterAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d).Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL is not installed: run ./test.sh, which installs it, or set PORTAL_TEST_PG.");
        var folder = Directory.CreateTempSubdirectory("portal-pg-").FullName;
        var asRoot = Environment.UserName == "root";
        if (asRoot)
            await RunAsync("chown", $"postgres:postgres {folder}");
        await RunAsPostgresAsync(asRoot, Path.Combine(bin, "initdb"), $"-D {folder} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8");
        // Ports are drawn below the kernel's ephemeral range (32768+), where any outgoing connection may hold
        // one; a port taken all the same fails the start, and the next draw is tried.
        var port = 0;
        for (var attempt = 1; port == 0; attempt++)
        {
            var candidate = 20000 + Random.Shared.Next(12000);
            try
            {
                await RunAsPostgresAsync(asRoot, Path.Combine(bin, "pg_ctl"), $"-D {folder} -l {folder}/server.log -o \"-c listen_addresses=127.0.0.1 -p {candidate} -k {folder} -c fsync=off -c max_connections=300\" -w start");
                port = candidate;
            }
            catch (InvalidOperationException) when (attempt < 10)
            {
            }
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            RunAsPostgresAsync(asRoot, Path.Combine(bin, "pg_ctl"), $"-D {folder} -m immediate -w stop").GetAwaiter().GetResult();
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }

    private static Task RunAsPostgresAsync(bool asRoot, string program, string arguments) =>
        asRoot ? RunAsync("runuser", $"-u postgres -- {program} {arguments}") : RunAsync(program, arguments);

    private static async Task RunAsync(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {arguments} failed: {await output} {await error}");
    }
}
