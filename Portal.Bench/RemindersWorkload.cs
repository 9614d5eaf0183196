using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Portal.Audit;
using Portal.Collections;
using Portal.Data;
using Portal.Domain.Invoices;
using Portal.Domain.Reminders;
using Portal.Reminders;
using Portal.Security;
using Portal.Tenancy;

namespace Portal.Bench;

/// <param name="Considered">Invoices the sweep loaded and decided about (those whose due date can put them at a step today).</param>
/// <param name="Queued">Reminders the sweep queued: one per (invoice, step) due today.</param>
internal sealed record RemindersResult(int Invoices, int Considered, int Queued, double SweepSeconds, int SecondSweepQueued, double CollectionsP95Ms, double CollectionsP50Ms, int CollectionsClients);

/// <summary>
/// The reminder sweep of a large firm: 100,000 issued invoices over 2,000 clients, 10 % of them at a schedule step today
/// (spread over the five steps), written with COPY. One sweep decides and queues every reminder due; a second one must
/// queue nothing. Then the collections view's first pages, as staff open it, one at a time.
/// </summary>
internal static class RemindersWorkload
{
    public const int Clients = 2_000;
    public const int Invoices = 100_000;

    public static async Task<RemindersResult> RunAsync(BenchPostgres server, int seconds)
    {
        var connectionString = await server.CreateDatabaseAsync("portal_reminders");
        await using var app = await BenchApp.StartAsync(connectionString, "reminders", services => services.AddAudit().AddReminders().AddCollections());
        var firm = await BenchFirm.CreateAsync(app.Services, "reminders");
        await using (var scope = BenchFirm.StaffScope(app.Services, firm))
            await scope.ServiceProvider.GetRequiredService<ReminderSettings>().SaveAsync(new ReminderPolicy { Enabled = true }, "Europe/Paris");
        var watch = Stopwatch.StartNew();
        var (today, atAStep) = await SeedAsync(connectionString, firm);
        Console.WriteLine($"reminders: seeded {Clients} clients, {Invoices} invoices ({atAStep} at a step on {today:yyyy-MM-dd}) in {watch.Elapsed.TotalSeconds:F1} s");

        var reminders = app.Services.GetRequiredService<Portal.Reminders.Reminders>();
        watch.Restart();
        var queued = await reminders.DecideAsync();
        var sweepSeconds = watch.Elapsed.TotalSeconds;
        var again = await reminders.DecideAsync();
        int stored;
        await using (var db = OpenDb(app.Services, firm))
            stored = await db.Reminders.CountAsync();
        if (stored != atAStep || queued != atAStep)
            throw new InvalidOperationException($"{atAStep} invoices are at a step today, but the sweep queued {queued} and {stored} are stored.");
        Console.WriteLine($"reminders: one sweep queued {queued} reminders in {sweepSeconds:F2} s; a second queued {again}");

        // The collections view: page after page of 50 clients, one request at a time, for the given seconds.
        var times = new List<double>();
        var pages = 0;
        var listed = 0;
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until || times.Count < 20)
        {
            await using var scope = BenchFirm.StaffScope(app.Services, firm);
            var collections = scope.ServiceProvider.GetRequiredService<Portal.Collections.Collections>();
            var started = Stopwatch.GetTimestamp();
            var (rows, total) = await collections.ReadAsync(pages++ % 5 + 1, 50);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (rows.Count == 0)
                throw new InvalidOperationException("The collections view listed nobody: the bench measures nothing.");
            listed = total;
        }
        // The first few pages warm the JIT and EF's query cache.
        var measured = times.Skip(5).Order().ToList();
        return new RemindersResult(Invoices, atAStep, queued, sweepSeconds, again,
            measured[(int)Math.Ceiling(0.95 * measured.Count) - 1], measured[(int)Math.Ceiling(0.50 * measured.Count) - 1], listed);
    }

    private static PortalDbContext OpenDb(IServiceProvider services, Guid firm)
    {
        var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firm);
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>();
    }

    /// <summary>
    /// Open invoices (fixed seed): 10 % due on a day that puts them at one of the five default steps today (−3, 0, +7,
    /// +15, +30 days), the rest due later than the first step. Returns the firm's local today and how many are at a step.
    /// </summary>
    private static async Task<(DateOnly Today, int AtAStep)> SeedAsync(string connectionString, Guid firm)
    {
        var random = new Random(20261205);
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).DateTime);
        int[] stepOffsets = [-3, 0, 7, 15, 30];
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var clients = new Guid[Clients];
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY \"ClientAccounts\" (\"Id\", \"FirmId\", \"Name\", \"BillingEmail\", \"Currency\", \"CreatedAt\") FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Clients; i++)
            {
                clients[i] = Guid.CreateVersion7();
                await copy.StartRowAsync();
                await copy.WriteAsync(clients[i], NpgsqlDbType.Uuid);
                await copy.WriteAsync(firm, NpgsqlDbType.Uuid);
                await copy.WriteAsync($"Client {i:D4}", NpgsqlDbType.Varchar);
                await copy.WriteAsync($"billing{i}@client{i}.example", NpgsqlDbType.Varchar);
                await copy.WriteAsync("EUR", NpgsqlDbType.Varchar);
                await copy.WriteAsync(now.AddDays(-800), NpgsqlDbType.TimestampTz);
            }
            await copy.CompleteAsync();
        }
        var atAStep = 0;
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY \"Invoices\" (\"Id\", \"FirmId\", \"ClientAccountId\", \"Number\", \"Currency\", \"Status\", \"IssueDate\", \"DueDate\", "
            + "\"MethodsAllowed\", \"SubtotalMinor\", \"TaxMinor\", \"TotalMinor\", \"PaidMinor\", \"CreditedMinor\", \"CreditedTaxMinor\", \"PendingMinor\", "
            + "\"CreatedAt\", \"IssuedAt\", \"Version\") FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Invoices; i++)
            {
                var stepped = i % 10 == 0;
                var due = stepped ? today.AddDays(-stepOffsets[i / 10 % stepOffsets.Length]) : today.AddDays(random.Next(4, 60));
                atAStep += stepped ? 1 : 0;
                var issued = due.AddDays(-30);
                var subtotal = (long)random.Next(10_00, 10_000_00);
                var tax = subtotal / 5;
                var partlyPaid = random.Next(10) == 0;
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(firm, NpgsqlDbType.Uuid);
                await copy.WriteAsync(clients[random.Next(Clients)], NpgsqlDbType.Uuid);
                await copy.WriteAsync($"INV-{i + 1:D6}", NpgsqlDbType.Varchar);
                await copy.WriteAsync("EUR", NpgsqlDbType.Varchar);
                await copy.WriteAsync((partlyPaid ? InvoiceStatus.PartiallyPaid : InvoiceStatus.Open).ToString(), NpgsqlDbType.Varchar);
                await copy.WriteAsync(issued, NpgsqlDbType.Date);
                await copy.WriteAsync(due, NpgsqlDbType.Date);
                await copy.WriteAsync("All", NpgsqlDbType.Varchar);
                await copy.WriteAsync(subtotal, NpgsqlDbType.Bigint);
                await copy.WriteAsync(tax, NpgsqlDbType.Bigint);
                await copy.WriteAsync(subtotal + tax, NpgsqlDbType.Bigint);
                await copy.WriteAsync(partlyPaid ? (subtotal + tax) / 2 : 0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(now.AddDays(issued.DayNumber - today.DayNumber), NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(now.AddDays(issued.DayNumber - today.DayNumber), NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
            }
            await copy.CompleteAsync();
        }
        await using (var vacuum = new NpgsqlCommand("VACUUM ANALYZE", connection))
            await vacuum.ExecuteNonQueryAsync();
        return (today, atAStep);
    }
}
