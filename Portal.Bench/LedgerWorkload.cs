using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Audit;
using Portal.Data;
using Portal.Deposits;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Firms;
using Portal.Invoices;
using Portal.Ledger;
using Portal.Notifications;
using Portal.Payments;
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
        await using var app = await BenchApp.StartAsync(connectionString, "ledger",
            services => services.AddInvoices().AddLedger().AddAudit().AddPayments().AddWallets().AddNotifications().AddDeposits().AddFirms());
        var firm = await BenchFirm.CreateAsync(app.Services, "bench");
        var desks = new List<Desk>();
        for (var i = 0; i < workers; i++)
            desks.Add(new Desk(await BenchFirm.AClientAsync(app.Services, firm, i)));

        // Warm up the JIT, EF's query cache and the connection pool before measuring.
        await Task.WhenAll(desks.Select(d => d.WorkAsync(app, firm, DateTime.MaxValue, stopAfter: 20)));
        var warmUp = desks.Sum(d => d.Operations);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var serverCpuBefore = server.ServerCpu();
        var watch = Stopwatch.StartNew();
        var until = DateTime.UtcNow.AddSeconds(seconds);
        await Task.WhenAll(desks.Select(d => d.WorkAsync(app, firm, until)));
        watch.Stop();
        var operations = desks.Sum(d => d.Operations) - warmUp;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        // Allocation per operation does not depend on what else the machine is doing, unlike CPU time.
        var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        var serverCpu = server.ServerCpu() - serverCpuBefore;
        Console.WriteLine($"ledger: {operations} operations by {workers} workers in {watch.Elapsed.TotalSeconds:F1} s, "
            + $"{cpu.TotalMilliseconds / Math.Max(1, operations):F2} ms of app CPU and {allocated / 1024.0 / Math.Max(1, operations):F0} KB allocated each"
            + (serverCpu is { } used ? $", {used.TotalMilliseconds / Math.Max(1, operations):F2} ms of server CPU each" : ""));
        await BenchFirm.CheckBooksAsync(app.Services, firm);
        return operations / watch.Elapsed.TotalSeconds;
    }

    private sealed class Desk(BenchClient client)
    {
        public long Operations { get; private set; }

        public async Task WorkAsync(WebApplication app, Guid firmId, DateTime until, int stopAfter = int.MaxValue)
        {
            var euro = (long minor) => new Money(minor, Currency.EUR);
            for (var done = 0; done < stopAfter && DateTime.UtcNow < until; done++)
            {
                await using var scope = BenchFirm.StaffScope(app.Services, firmId);
                var key = Guid.NewGuid().ToString("N");
                if (Operations % 2 == 0)
                    await scope.ServiceProvider.GetRequiredService<ManualPaymentRecorder>().RecordAsync(new ManualPaymentRequest(client.Id, PaymentMethod.BankTransfer, euro(3_00),
                        [new InvoiceAmount(client.FirstInvoice, euro(1_00)), new InvoiceAmount(client.SecondInvoice, euro(1_00))], SurplusToCredit: true, null, key));
                else
                    await scope.ServiceProvider.GetRequiredService<CreditSpender>().ApplyAsync(new CreditUse(client.FirstInvoice, euro(1_00), key));
                Operations++;
            }
        }
    }
}
