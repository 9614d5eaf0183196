using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Tests.Fixture;

/// <summary>
/// The embedded databases the tests use: each app gets a copy of one file migrated once per test run, so that it
/// starts on an up-to-date schema (its own start-up migration then finds nothing to do) instead of running every
/// migration again.
/// </summary>
public static class TestSqlite
{
    private static readonly Lazy<Task<string>> MigratedTemplate = new(BuildMigratedTemplateAsync);

    /// <summary>Writes a database with Portal's schema at <paramref name="path"/> and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string path)
    {
        File.Copy(await MigratedTemplate.Value, path);
        // Pooled, as the app's own connections are: a new connection reads and parses the whole schema again.
        return $"Data Source={path}";
    }

    /// <summary>Closes the pooled connections to the database at <paramref name="connectionString"/>, so its file can go.</summary>
    public static void Release(string connectionString)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
        Microsoft.Data.Sqlite.SqliteConnection.ClearPool(connection);
    }

    private static async Task<string> BuildMigratedTemplateAsync()
    {
        var folder = Directory.CreateTempSubdirectory("portal-sqlite-template-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(folder, recursive: true); } catch (IOException) { } };
        var path = Path.Combine(folder, "portal.db");
        // Without pooling the file is closed when the context is, so the copy is complete and nothing holds it.
        await using (var db = new PortalDatabase(DatabaseProvider.Sqlite, $"Data Source={path};Pooling=false").Open(PortalApp.NoTenant()))
            await db.Database.MigrateAsync();
        return path;
    }
}
