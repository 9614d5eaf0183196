using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;

namespace Portal.Tests.Fixture;

/// <summary>
/// The PostgreSQL server the tests use: the one named by PORTAL_TEST_PG (the test script starts a throwaway
/// cluster and sets it), or else a throwaway cluster this process starts itself and stops on exit.
/// </summary>
public static class TestPostgres
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _adminConnectionString;

    /// <summary>
    /// A new database with Portal's schema already in it: a copy of a template migrated once per cluster and set of
    /// migrations, so that each of the suite's hundreds of apps starts on an up-to-date schema (its own start-up
    /// migration then finds nothing to do) instead of running every migration again.
    /// </summary>
    public static async Task<string> CreateDatabaseAsync(string name)
    {
        var admin = await AdminConnectionStringAsync();
        var template = await MigratedTemplate.Value;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        await ExecuteAsync(connection, $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true, MaxPoolSize = 60 }.ConnectionString;
    }

    private static readonly Lazy<Task<string>> MigratedTemplate = new(BuildMigratedTemplateAsync);

    /// <summary>
    /// The template for this set of migrations, built unless the cluster has it. Its name carries a hash of the
    /// migrations, so a cluster kept between runs never hands out a schema older than the code. Test runs sharing a
    /// cluster build it one at a time (an advisory lock), and under another name until it is complete.
    /// </summary>
    private static async Task<string> BuildMigratedTemplateAsync()
    {
        var admin = await AdminConnectionStringAsync();
        var migrations = MigrationsOf(admin);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", migrations))))[..16];
        var template = $"portal_template_{hash}";
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(7101)");
        try
        {
            await using (var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", connection))
            {
                exists.Parameters.AddWithValue("name", template);
                if ((long)(await exists.ExecuteScalarAsync())! == 1)
                    return template;
            }
            var building = template + "_building";
            await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)");
            await ExecuteAsync(connection, $"CREATE DATABASE \"{building}\"");
            var target = new NpgsqlConnectionStringBuilder(admin) { Database = building, Pooling = false }.ConnectionString;
            await using (var db = new PortalDatabase(DatabaseProvider.Postgres, target).Open(PortalApp.NoTenant()))
                await db.Database.MigrateAsync();
            // Nobody connects to a template, so copying it can never fail on a connection left open.
            await ExecuteAsync(connection, $"ALTER DATABASE \"{building}\" RENAME TO \"{template}\"");
            await ExecuteAsync(connection, $"ALTER DATABASE \"{template}\" WITH ALLOW_CONNECTIONS false");
            return template;
        }
        finally
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(7101)");
        }
    }

    private static IReadOnlyList<string> MigrationsOf(string connectionString)
    {
        using var db = new PortalDatabase(DatabaseProvider.Postgres, connectionString).Open(PortalApp.NoTenant());
        return [.. db.Database.GetMigrations()];
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(await AdminConnectionStringAsync());
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
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
