using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Portal.Account;
using Portal.Audit;
using Portal.Data;
using Portal.Demo;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Tenancy;

namespace Portal.Tests.Fixture;

/// <summary>
/// Portal running for real: Kestrel on a loopback port, its own PostgreSQL database (or SQLite when
/// PORTAL_TEST_DB=Sqlite), real cookies and forms. One per test class; <see cref="ResetAsync"/> empties it.
/// </summary>
public class PortalApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _databaseName = $"portal_test_{Guid.NewGuid():N}";
    private readonly string _dataFolder = Directory.CreateTempSubdirectory("portal-app-").FullName;
    private string _connectionString = "";
    private readonly HostFaults _hostFaults = new();
    private readonly AppLog _log = new();

    /// <summary>Apps now listening, by host and port: a browser step that fails finds the log of the app its page was on.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PortalApp> Listening = new(StringComparer.OrdinalIgnoreCase);

    protected virtual bool SeedDemoData => false;

    /// <summary>Whether passwords are hashed with fewer rounds than production's, to spare the suite's processor.</summary>
    protected virtual bool FastPasswordHashing => true;

    /// <summary>Another instance whose database this one uses, as several instances behind a load balancer do; null for a database of its own.</summary>
    protected virtual PortalApp? SharesDatabaseWith => null;

    public static DatabaseProvider DatabaseUnderTest =>
        Enum.TryParse<DatabaseProvider>(Environment.GetEnvironmentVariable("PORTAL_TEST_DB"), ignoreCase: true, out var provider) ? provider : DatabaseProvider.Postgres;

    public Uri BaseUrl { get; private set; } = default!;

    /// <summary>The running app's services; if the app stopped by itself, the error that stopped it.</summary>
    public override IServiceProvider Services =>
        _hostFaults.First is { } fault ? throw new InvalidOperationException($"The app stopped by itself: {fault}") : base.Services;

    public async Task InitializeAsync()
    {
        _connectionString = SharesDatabaseWith is { } first
            ? first._connectionString
            : DatabaseUnderTest == DatabaseProvider.Postgres
            ? await TestPostgres.CreateDatabaseAsync(_databaseName)
            : await TestSqlite.CreateDatabaseAsync(Path.Combine(_dataFolder, "portal.db"));
        UseKestrel(0);
        StartServer();
        BaseUrl = ClientOptions.BaseAddress;
        Listening[BaseUrl.Authority] = this;
        await WarmUpAsync();
    }

    /// <summary>Runs once the server listens, before any test: what a test app needs ready before its first test.</summary>
    protected virtual Task WarmUpAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Package assets (MudBlazor, the Blazor script) are served from the build output, as in development.
        builder.UseStaticWebAssets();
        builder.UseSetting("Database:Provider", DatabaseUnderTest.ToString());
        builder.UseSetting("ConnectionStrings:Portal", _connectionString);
        builder.UseSetting("Data:Folder", _dataFolder);
        builder.UseSetting("Email:PickupFolder", Path.Combine(_dataFolder, "mail"));
        builder.UseSetting("Demo:Seed", SeedDemoData.ToString());
        // Tests sign in far more often than a person; the limiter itself is tested with its own app.
        builder.UseSetting("Security:SignInPostsPerMinute", "100000");
        // Every instance sharing a database runs on the first one's clock, as servers kept in time do.
        var clock = (SharesDatabaseWith?.Clock as TestClock) ?? new TestClock();
        builder.ConfigureServices(services => services.RemoveAll<TimeProvider>().AddSingleton<TimeProvider>(clock));
        // Passwords are hashed as in production (PBKDF2), with fewer rounds: the suite creates and signs in thousands
        // of users, and 100,000 rounds each were a large share of its processor time. The production count is checked
        // by PasswordHashingTests, on an app that keeps it.
        if (FastPasswordHashing)
            builder.ConfigureServices(services => services.Configure<PasswordHasherOptions>(options => options.IterationCount = 1_000));
        builder.ConfigureServices(ConfigureTestServices);
        builder.ConfigureLogging(logging => logging.AddProvider(_hostFaults).AddProvider(_log)
            // Each webhook applied is a debug line, each request served an information line: kept for a failure's
            // explanation, not printed anywhere.
            .AddFilter<AppLog>("Portal.Webhooks", LogLevel.Debug).AddFilter<AppLog>(AppLog.RequestsCategory, LogLevel.Information));
    }

    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (BaseUrl is not null)
        {
            Listening.TryRemove(BaseUrl.Authority, out _);
            // Pages first, so their circuits end while the app still answers.
            await Browser.CloseContextsOnAsync(BaseUrl);
        }
        await DisposeAsync();
        if (DatabaseUnderTest == DatabaseProvider.Postgres && SharesDatabaseWith is null)
            await TestPostgres.DropDatabaseAsync(_databaseName);
        else if (DatabaseUnderTest == DatabaseProvider.Sqlite && SharesDatabaseWith is null)
            TestSqlite.Release(_connectionString);
        try { Directory.Delete(_dataFolder, recursive: true); } catch (IOException) { }
    }

    /// <summary>Empties every table but the roles, the migrations history and the data-protection keys.</summary>
    public async Task ResetAsync()
    {
        await using var db = OpenDb();
        // One connection for every statement: SQLite's foreign-key pragma is per connection.
        await db.Database.OpenConnectionAsync();
        var tables = db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && !e.IsOwned())
            .Select(e => e.GetTableName()!).Concat(db.Model.GetEntityTypes().Where(e => e.IsOwned()).Select(e => e.GetTableName()!))
            .Where(t => t is not ("AspNetRoles" or "DataProtectionKeys")).Distinct().ToList();
        if (db.Database.IsNpgsql())
        {
            // DELETE, not TRUNCATE: a test leaves a few rows, and deleting them is cheap, where TRUNCATE gives every
            // table and index a new file and makes every open connection reload its view of them, which was a large
            // share of the database's work over the suite. Foreign keys are not checked while everything goes
            // (session_replication_role, for this transaction only). Table names come from the EF model, not from input.
            var delete = "SET LOCAL session_replication_role = replica; "
                + string.Join(" ", tables.Select(t => $"DELETE FROM \"{t}\";"));
            // The app's own background services (webhooks, sweeps, the mailer) run while a test class starts and lock
            // the rows they claim; PostgreSQL may pick this transaction as the victim of a deadlock with one of them.
            // The victim's transaction did nothing: doing it again is how a deadlock is meant to be handled.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var transaction = await db.Database.BeginTransactionAsync();
                    await db.Database.ExecuteSqlRawAsync(delete);
                    await transaction.CommitAsync();
                    break;
                }
                catch (Npgsql.PostgresException deadlock) when (deadlock.SqlState == Npgsql.PostgresErrorCodes.DeadlockDetected && attempt < 3)
                {
                }
            }
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = OFF");
            foreach (var table in tables)
            {
                var delete = $"DELETE FROM \"{table}\"";
                await db.Database.ExecuteSqlRawAsync(delete);
            }
            await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = ON");
        }
    }

    /// <summary>A context acting for <paramref name="firmId"/> (and client), or with no tenant at all (use IgnoreQueryFilters).</summary>
    public PortalDbContext OpenDb(Guid? firmId = null, Guid? clientAccountId = null)
    {
        var tenant = NoTenant();
        if (firmId is { } id)
            tenant.ActFor(id, clientAccountId);
        return Services.GetRequiredService<PortalDatabase>().Open(tenant);
    }

    /// <summary>A tenant context acting for nobody yet: what a context opened outside a request starts with.</summary>
    internal static TenantContext NoTenant() => new(new HttpContextAccessor(), new ServiceCollection().BuildServiceProvider());

    /// <summary>The app's clock: a <see cref="TestClock"/> starting on the day CI chose, unless a test class sets another.</summary>
    public TimeProvider Clock => Services.GetRequiredService<TimeProvider>();

    /// <summary>
    /// Today by the app's clock, as the test firms count it: their local day in the default time zone (Europe/Paris).
    /// Business dates (issue, due, charge dates, the books' days) are counted from it.
    /// </summary>
    public DateOnly Today => new BusinessCalendar(Firm.DefaultTimeZone).DayOf(Clock.GetUtcNow());

    /// <summary>A firm with an owner and a staff login (password <see cref="DemoData.Password"/>).</summary>
    public async Task<TestFirm> AFirmAsync(string? key = null, string currency = "EUR")
    {
        key ??= $"firm-{Guid.NewGuid():N}"[..20];
        var firm = new Firm(key, $"Firm {key}", Currency.FromCode(currency), Clock.GetUtcNow());
        await using (var db = OpenDb())
        {
            db.Firms.Add(firm);
            await db.SaveChangesAsync();
        }
        var owner = await AUserAsync($"owner@{key}.test", "Owner " + key, Roles.Owner, firm.Id, null);
        var staff = await AUserAsync($"staff@{key}.test", "Staff " + key, Roles.Staff, firm.Id, null);
        return new TestFirm(firm.Id, key, owner, staff);
    }

    /// <summary>A client account of <paramref name="firm"/> with one contact who can sign in.</summary>
    public async Task<TestClient> AClientAsync(TestFirm firm, string currency = "EUR", string? name = null)
    {
        name ??= $"Client {Guid.NewGuid():N}"[..15];
        var slug = Guid.NewGuid().ToString("N")[..8];
        var client = new ClientAccount(firm.Id, name, $"billing-{slug}@client.test", Currency.FromCode(currency), Clock.GetUtcNow());
        var contactEmail = $"contact-{slug}@client.test";
        var contact = client.AddContact("Contact " + slug, contactEmail);
        await using (var db = OpenDb())
        {
            db.ClientAccounts.Add(client);
            await db.SaveChangesAsync();
        }
        var login = await AUserAsync(contactEmail, contact.Name, Roles.Client, firm.Id, client.Id);
        await using (var db = OpenDb(firm.Id))
        {
            var stored = await db.Contacts.SingleAsync(c => c.Id == contact.Id);
            stored.LinkUser(login.UserId);
            await db.SaveChangesAsync();
        }
        return new TestClient(client.Id, firm, name, Currency.FromCode(currency), login);
    }

    public InvoiceBuilder AnInvoice(TestClient client) => new(this, client);

    public async Task<TestLogin> AUserAsync(string email, string name, string role, Guid firmId, Guid? clientAccountId)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, FirmId = firmId, ClientAccountId = clientAccountId };
        var created = await users.CreateAsync(user, DemoData.Password);
        if (!created.Succeeded)
            throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, role);
        return new TestLogin(user.Id, email, DemoData.Password);
    }

    /// <summary>Signs in through the real sign-in form and returns a session that carries the cookie.</summary>
    public async Task<PortalSession> SignInAsync(TestLogin login) => await SignInAsync(login.Email, login.Password);

    public async Task<PortalSession> SignInAsync(string email, string password)
    {
        var session = AnonymousSession();
        var response = await session.SubmitFormAsync("/Account/Login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        if (response.StatusCode != HttpStatusCode.Redirect && response.StatusCode != HttpStatusCode.Found)
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return session;
    }

    public PortalSession AnonymousSession() => new(BaseUrl);

    /// <summary>
    /// Runs a step that waits on the app's background work; if it fails, the failure carries the app's recent log
    /// (webhooks received and applied, errors), which is what explains a wait that ran out.
    /// </summary>
    public async Task ExplainingFailureAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception failure)
        {
            throw Explained(failure, _log);
        }
    }

    /// <summary>The log of the app listening at <paramref name="url"/>'s host and port, if one still is.</summary>
    internal static bool TryFindLog(string url, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AppLog? log)
    {
        log = Uri.TryCreate(url, UriKind.Absolute, out var address) && Listening.TryGetValue(address.Authority, out var app) ? app._log : null;
        return log is not null;
    }

    internal static Xunit.Sdk.XunitException Explained(Exception failure, AppLog log, string? pageShows = null) =>
        new($"{failure.Message}{Environment.NewLine}--- the app's recent log (failed at {TimeProvider.System.GetUtcNow():HH:mm:ss.fff}) ---{Environment.NewLine}{log.Text}"
            + (pageShows is null ? "" : $"{Environment.NewLine}--- what the page showed ---{Environment.NewLine}{pageShows}"), failure);
}

public sealed record TestLogin(string UserId, string Email, string Password);

public sealed record TestFirm(Guid Id, string Key, TestLogin Owner, TestLogin Staff);

public sealed record TestClient(Guid Id, TestFirm Firm, string Name, Currency Currency, TestLogin Contact);

public static class PortalAppServiceExtensions
{
    /// <summary>Runs <paramref name="action"/> with a service from a fresh scope acting for <paramref name="firm"/>, as a staff request would.</summary>
    public static async Task<TResult> AsStaffOfAsync<TService, TResult>(this PortalApp app, TestFirm firm, Func<TService, Task<TResult>> action)
        where TService : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firm.Id);
        scope.ServiceProvider.GetRequiredService<CurrentActor>().ActAs(new AuditActor(firm.Staff.UserId, "Staff " + firm.Key, IsStaff: true));
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>Runs <paramref name="action"/> as the client's contact would: its own account only.</summary>
    public static async Task<TResult> AsClientAsync<TService, TResult>(this PortalApp app, TestClient client, Func<TService, Task<TResult>> action)
        where TService : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(client.Firm.Id, client.Id);
        scope.ServiceProvider.GetRequiredService<CurrentActor>().ActAs(new AuditActor(client.Contact.UserId, client.Contact.Email, IsStaff: false));
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>Runs <paramref name="action"/> as a provider webhook would: for the firm, with no person signed in.</summary>
    public static async Task<TResult> AsProviderForAsync<TService, TResult>(this PortalApp app, TestFirm firm, Func<TService, Task<TResult>> action)
        where TService : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firm.Id);
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public static Task AsStaffOfAsync<TService>(this PortalApp app, TestFirm firm, Func<TService, Task> action) where TService : notnull =>
        app.AsStaffOfAsync<TService, bool>(firm, async service => { await action(service); return true; });
}
