using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Tenancy;

namespace Portal.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Which database Portal talks to, and how to open a context on it for a given tenant.</summary>
public sealed class PortalDatabase
{
    private readonly DbContextOptions _options;

    /// <param name="interceptors">Run on every context opened, e.g. the live outbox that rides along with each SaveChanges.</param>
    public PortalDatabase(DatabaseProvider provider, string connectionString, IEnumerable<IInterceptor>? interceptors = null)
    {
        Provider = provider;
        ConnectionString = connectionString;
        IInterceptor[] added = [.. interceptors ?? []];
        _options = provider switch
        {
            DatabaseProvider.Sqlite => new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite(connectionString).AddInterceptors(added).Options,
            DatabaseProvider.Postgres => new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(connectionString).AddInterceptors(added).Options,
        };
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    public PortalDbContext Open(TenantContext tenant) => Provider switch
    {
        DatabaseProvider.Sqlite => new SqlitePortalDbContext((DbContextOptions<SqlitePortalDbContext>)_options, tenant),
        DatabaseProvider.Postgres => new PostgresPortalDbContext((DbContextOptions<PostgresPortalDbContext>)_options, tenant),
    };

    public static PortalDatabase FromConfiguration(IConfiguration configuration, string contentRoot, IEnumerable<IInterceptor>? interceptors = null)
    {
        var provider = Enum.Parse<DatabaseProvider>(configuration["Database:Provider"] ?? nameof(DatabaseProvider.Sqlite), ignoreCase: true);
        var connectionString = configuration.GetConnectionString("Portal");
        if (provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Portal is not set.");
        if (provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(connectionString))
        {
            var folder = Path.GetFullPath(configuration["Data:Folder"] ?? "App_Data", contentRoot);
            Directory.CreateDirectory(folder);
            connectionString = $"Data Source={Path.Combine(folder, "portal.db")}";
        }
        return new PortalDatabase(provider, connectionString!, interceptors);
    }
}

/// <summary>Opens contexts bound to the scope's tenant. Interactive components use it so no context lives for a whole circuit.</summary>
internal sealed class PortalDbContextFactory(PortalDatabase database, TenantContext tenant) : IDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext() => database.Open(tenant);
}

public static class DataSetup
{
    public static WebApplicationBuilder AddPortalData(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => PortalDatabase.FromConfiguration(builder.Configuration, builder.Environment.ContentRootPath, sp.GetServices<IInterceptor>()));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<TenantContext>();
        builder.Services.AddScoped<IDbContextFactory<PortalDbContext>, PortalDbContextFactory>();
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        builder.Services.AddDataProtection().SetApplicationName("Portal").PersistKeysToDbContext<PortalDbContext>();
        builder.Services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database");
        return builder;
    }

    /// <summary>Brings the schema up to date at start-up unless <c>Database:MigrateOnStartup</c> is false.</summary>
    public static async Task MigratePortalDatabaseAsync(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Database:MigrateOnStartup", true))
            return;
        await using var scope = app.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await context.Database.MigrateAsync();
        if (context is SqlitePortalDbContext)
            // Write-ahead logging lets readers carry on while a payment is being written.
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }
}

// dotnet-ef builds each provider's context through these when it creates migrations.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqlitePortalDbContext>
{
    public SqlitePortalDbContext CreateDbContext(string[] args) =>
        (SqlitePortalDbContext)new PortalDatabase(DatabaseProvider.Sqlite, "Data Source=design.db").Open(DesignTimeTenant());

    internal static TenantContext DesignTimeTenant() => new(new HttpContextAccessor(), new ServiceCollection().BuildServiceProvider());
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPortalDbContext>
{
    public PostgresPortalDbContext CreateDbContext(string[] args) =>
        (PostgresPortalDbContext)new PortalDatabase(DatabaseProvider.Postgres, "Host=localhost;Database=portal_design").Open(SqliteDesignTimeFactory.DesignTimeTenant());
}
