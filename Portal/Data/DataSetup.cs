using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Portal.Security;
using Portal.Tenancy;

namespace Portal.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Which database Portal talks to, and how to open a context on it for a given tenant.</summary>
public sealed class PortalDatabase
{
    // Contexts are pooled: a new one would build its own set of EF's internal services, which on a money
    // operation cost about as much as the operation's own queries.
    private readonly IDbContextFactory<PortalDbContext> _pool;

    /// <param name="interceptors">Run on every context opened, e.g. the live outbox that rides along with each SaveChanges.</param>
    public PortalDatabase(DatabaseProvider provider, string connectionString, IEnumerable<IInterceptor>? interceptors = null)
    {
        Provider = provider;
        ConnectionString = connectionString;
        IInterceptor[] added = [.. interceptors ?? []];
        _pool = provider switch
        {
            DatabaseProvider.Sqlite => new Pool<SqlitePortalDbContext>(
                new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite(connectionString).AddInterceptors(added).Options),
            DatabaseProvider.Postgres => new Pool<PostgresPortalDbContext>(
                new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(connectionString).AddInterceptors([.. added, new RowLocks()]).Options),
        };
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    /// <summary>A context that sees the rows of <paramref name="tenant"/>; dispose it to give it back to the pool.</summary>
    public PortalDbContext Open(TenantContext tenant)
    {
        var context = _pool.CreateDbContext();
        context.Serve(tenant);
        // Every explicit transaction in Portal is all or nothing: when a SaveChanges inside one fails, the whole
        // transaction is rolled back. The savepoint EF would otherwise set before each such SaveChanges (so the
        // transaction could carry on) would cost two more round trips on every money operation for nothing.
        // Set on every lease, as the pool resets it.
        context.Database.AutoSavepointsEnabled = false;
        return context;
    }

    private sealed class Pool<TContext>(DbContextOptions<TContext> options) : IDbContextFactory<PortalDbContext>
        where TContext : PortalDbContext
    {
        private readonly PooledDbContextFactory<TContext> _contexts = new(options);

        public PortalDbContext CreateDbContext() => _contexts.CreateDbContext();
    }

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
        builder.Services.AddDataProtection().SetApplicationName("Portal").PersistKeysToDbContext<PortalDbContext>()
            .ProtectKeysWithConfiguredCertificate(builder.Configuration, builder.Environment);
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
