using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Invoices;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tenancy;
using Portal.Wallets;

namespace Portal.Bench;

/// <summary>
/// The app's own money operations through its real services and database: each worker is a member of staff
/// working for one client, alternating "record a transfer paying two invoices (the rest kept as credit)" and
/// "apply credit to an invoice", each operation in its own DI scope as a request would be.
/// </summary>
internal static class LedgerWorkload
{
    public static async Task<double> RunAsync(BenchPostgres server, int workers, int seconds)
    {
        var connectionString = await server.CreateDatabaseAsync("portal_bench");
        await using var app = await StartAppAsync(connectionString);
        var firm = await SeedFirmAsync(app);
        var desks = new List<Desk>();
        for (var i = 0; i < workers; i++)
            desks.Add(await SeedDeskAsync(app, firm, i));

        // Warm up the JIT, EF's query cache and the connection pool before measuring.
        await Task.WhenAll(desks.Select(d => d.WorkAsync(app, firm, DateTime.MaxValue, stopAfter: 20)));
        var warmUp = desks.Sum(d => d.Operations);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var until = DateTime.UtcNow.AddSeconds(seconds);
        await Task.WhenAll(desks.Select(d => d.WorkAsync(app, firm, until)));
        watch.Stop();
        var operations = desks.Sum(d => d.Operations) - warmUp;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        Console.WriteLine($"ledger: {operations} operations by {workers} workers in {watch.Elapsed.TotalSeconds:F1} s, {cpu.TotalMilliseconds / Math.Max(1, operations):F2} ms of app CPU each");
        await CheckBooksAsync(app, firm);
        return operations / watch.Elapsed.TotalSeconds;
    }

    private static async Task<WebApplication> StartAppAsync(string connectionString)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Database:Provider"] = nameof(DatabaseProvider.Postgres);
        builder.Configuration["ConnectionStrings:Portal"] = connectionString;
        builder.Configuration["Data:Folder"] = Path.Combine(Path.GetTempPath(), "portal-bench");
        // Per-command logging would cost more than the commands.
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddPortalData();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddInvoices().AddLedger().AddAudit().AddPayments().AddWallets();
        var app = builder.Build();
        await app.MigratePortalDatabaseAsync();
        return app;
    }

    private static async Task<Guid> SeedFirmAsync(WebApplication app)
    {
        var firm = new Firm("bench", "Bench & Co", Currency.EUR, DateTimeOffset.UtcNow);
        await using var db = app.Services.GetRequiredService<PortalDatabase>().Open(Tenant(app, null));
        db.Firms.Add(firm);
        await db.SaveChangesAsync();
        return firm.Id;
    }

    private static async Task<Desk> SeedDeskAsync(WebApplication app, Guid firmId, int index)
    {
        var client = new ClientAccount(firmId, $"Client {index}", $"client{index}@bench.example", Currency.EUR, DateTimeOffset.UtcNow);
        await using (var db = app.Services.GetRequiredService<PortalDatabase>().Open(Tenant(app, firmId)))
        {
            db.ClientAccounts.Add(client);
            await db.SaveChangesAsync();
        }
        var invoices = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            await using var scope = StaffScope(app, firmId);
            var invoicing = scope.ServiceProvider.GetRequiredService<Invoicing>();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var id = await invoicing.CreateDraftAsync(new InvoiceDraft(client.Id, "EUR", today, today.AddDays(30), null, null, PaymentMethods.All,
                [new InvoiceLineInput("Retainer", 1, 100_000_000_00, 0)]));
            await invoicing.IssueAsync(id);
            invoices.Add(id);
        }
        return new Desk(client.Id, invoices[0], invoices[1]);
    }

    private static AsyncServiceScope StaffScope(WebApplication app, Guid firmId)
    {
        var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firmId);
        scope.ServiceProvider.GetRequiredService<CurrentActor>().ActAs(new AuditActor("bench-staff", "Bench staff", IsStaff: true));
        return scope;
    }

    private static TenantContext Tenant(WebApplication app, Guid? firmId)
    {
        var tenant = new TenantContext(new Microsoft.AspNetCore.Http.HttpContextAccessor(), app.Services);
        if (firmId is { } id)
            tenant.ActFor(id);
        return tenant;
    }

    /// <summary>The run must leave balanced books, or its figure means nothing.</summary>
    private static async Task CheckBooksAsync(WebApplication app, Guid firmId)
    {
        await using var db = app.Services.GetRequiredService<PortalDatabase>().Open(Tenant(app, firmId));
        var unbalanced = await db.Postings.GroupBy(p => p.TransactionId).Where(g => g.Sum(p => p.AmountMinor) != 0).CountAsync();
        var walletPostings = -await db.Postings.Where(p => p.AccountKind == LedgerAccountKind.Wallet).SumAsync(p => p.AmountMinor);
        var walletBalances = await db.Wallets.SumAsync(w => w.BalanceMinor);
        if (unbalanced != 0 || walletPostings != walletBalances)
            throw new InvalidOperationException($"Books inconsistent after the run: {unbalanced} unbalanced transactions, wallets {walletBalances} vs postings {walletPostings}.");
    }

    private sealed class Desk(Guid clientId, Guid firstInvoice, Guid secondInvoice)
    {
        public long Operations { get; private set; }

        public async Task WorkAsync(WebApplication app, Guid firmId, DateTime until, int stopAfter = int.MaxValue)
        {
            var euro = (long minor) => new Money(minor, Currency.EUR);
            for (var done = 0; done < stopAfter && DateTime.UtcNow < until; done++)
            {
                await using var scope = StaffScope(app, firmId);
                var key = Guid.NewGuid().ToString("N");
                if (Operations % 2 == 0)
                    await scope.ServiceProvider.GetRequiredService<ManualPaymentRecorder>().RecordAsync(new ManualPaymentRequest(clientId, PaymentMethod.BankTransfer, euro(3_00),
                        [new InvoiceAmount(firstInvoice, euro(1_00)), new InvoiceAmount(secondInvoice, euro(1_00))], SurplusToCredit: true, null, key));
                else
                    await scope.ServiceProvider.GetRequiredService<CreditSpender>().ApplyAsync(new CreditUse(firstInvoice, euro(1_00), key));
                Operations++;
            }
        }
    }
}
