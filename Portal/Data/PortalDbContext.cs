using System.Linq.Expressions;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portal.Account;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Tenancy;

namespace Portal.Data;

/// <summary>
/// The one database of Portal. Every tenant-owned entity is filtered on the current firm (and, for a client
/// contact, on its client account), so an id from a URL or a form never reaches another tenant's row.
/// Work that must see across tenants (sign-in, webhooks before the firm is known, seeding) says so with
/// <c>IgnoreQueryFilters()</c>. Provider-specific subclasses exist only to keep one migration set each.
/// </summary>
public abstract partial class PortalDbContext(DbContextOptions options)
    : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    private TenantContext? _tenant;

    public DbSet<Firm> Firms => Set<Firm>();
    public DbSet<ClientAccount> ClientAccounts => Set<ClientAccount>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    // Read by the query filters on every query; EF turns them into parameters. A context no one has been
    // served with yet matches no firm.
    private Guid CurrentFirmId => _tenant?.FirmId ?? Guid.Empty;
    private Guid? CurrentClientAccountId => _tenant?.ClientAccountId;

    /// <summary>Whose rows this context sees: set by <see cref="PortalDatabase.Open"/> each time it hands the context out.</summary>
    public TenantContext Tenant => _tenant ?? throw new InvalidOperationException("Open contexts through PortalDatabase.Open, which says whose rows they see.");

    // Contexts are pooled: each one is served to a tenant when it is handed out, and forgets it when it goes back,
    // so an idle context keeps no request's services alive.
    internal void Serve(TenantContext tenant) => _tenant = tenant;

    public override void Dispose()
    {
        _tenant = null;
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    public override ValueTask DisposeAsync()
    {
        _tenant = null;
        GC.SuppressFinalize(this);
        return base.DisposeAsync();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Currency>().HaveConversion<CurrencyConverter>().HaveMaxLength(3);
        // Enums are stored by name so the database reads plainly and survives reordering.
        foreach (var enumType in typeof(Money).Assembly.GetTypes().Concat(typeof(PortalDbContext).Assembly.GetTypes()).Where(t => t.IsEnum && t.IsPublic))
            configurationBuilder.Properties(enumType).HaveConversion<string>().HaveMaxLength(60);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);

        builder.Entity<Firm>().HasQueryFilter(f => f.Id == CurrentFirmId);
        builder.Entity<ClientAccount>().HasQueryFilter(c => c.FirmId == CurrentFirmId && (CurrentClientAccountId == null || c.Id == CurrentClientAccountId));
        foreach (var entity in builder.Model.GetEntityTypes().Where(e => e.BaseType is null && !e.IsOwned() && e.ClrType != typeof(ClientAccount)))
        {
            if (typeof(IClientOwned).IsAssignableFrom(entity.ClrType))
                typeof(PortalDbContext).GetMethod(nameof(FilterByClient), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                    .MakeGenericMethod(entity.ClrType).Invoke(this, [builder]);
            else if (typeof(ITenantOwned).IsAssignableFrom(entity.ClrType))
                typeof(PortalDbContext).GetMethod(nameof(FilterByFirm), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                    .MakeGenericMethod(entity.ClrType).Invoke(this, [builder]);
        }
    }

    private void FilterByFirm<T>(ModelBuilder builder) where T : class, ITenantOwned =>
        builder.Entity<T>().HasQueryFilter(e => e.FirmId == CurrentFirmId);

    private void FilterByClient<T>(ModelBuilder builder) where T : class, IClientOwned =>
        builder.Entity<T>().HasQueryFilter(e => e.FirmId == CurrentFirmId && (CurrentClientAccountId == null || e.ClientAccountId == CurrentClientAccountId));

    private sealed class CurrencyConverter() : ValueConverter<Currency, string>(
        ToProvider, FromProvider)
    {
        private static readonly Expression<Func<Currency, string>> ToProvider = c => c.Code;
        private static readonly Expression<Func<string, Currency>> FromProvider = code => Currency.FromCode(code);
    }
}

/// <summary>The embedded default: a SQLite file in the app's data folder.</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options)
    : PortalDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite has no date-time-with-offset type: store UTC ticks so values sort and compare in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>Production and the test suite: PostgreSQL through Npgsql.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options)
    : PortalDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        SearchIndexes.Add(builder);
        CoveringIndexes.Add(builder);
    }
}
