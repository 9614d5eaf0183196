using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Portal.Audit;
using Portal.Clients;
using Portal.Data;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
using Portal.Firms;
using Portal.Invoices;
using Portal.Payments;
using Portal.Security;
using Portal.Tenancy;

namespace Portal.Bench;

/// <summary>What one list answered: its p95 latency alone, and how many of its page queries ran per second under load.</summary>
internal sealed record ListFigures(string List, double P50Ms, double P95Ms);

internal sealed record ListsResult(IReadOnlyList<ListFigures> Lists, double PageQueriesPerSecond);

/// <summary>
/// The lists of a large firm: 100,000 invoices over 5,000 clients (and their payments and credit), written with COPY,
/// then the page queries the list pages make (first page, a sort, a filter, a search, a deep page), through the same
/// query classes the pages call, each in its own DI scope as a request would be.
/// </summary>
internal static class ListsWorkload
{
    public const int Clients = 5_000;
    public const int Invoices = 100_000;

    public static async Task<ListsResult> RunAsync(BenchPostgres server, int workers, int seconds)
    {
        var connectionString = await server.CreateDatabaseAsync("portal_lists");
        await using var app = await BenchApp.StartAsync(connectionString, "lists", services => services.AddInvoices().AddClients().AddPayments().AddFirms().AddAudit());
        var firm = await BenchFirm.CreateAsync(app.Services, "lists");
        var watch = Stopwatch.StartNew();
        var seeded = await SeedAsync(connectionString, firm);
        Console.WriteLine($"lists: seeded {seeded.Clients} clients, {seeded.Invoices} invoices, {seeded.Payments} payments in {watch.Elapsed.TotalSeconds:F1} s");

        var queries = Queries(firm, seeded);
        // Warm up the JIT, EF's query cache, the connection pool and the server's caches.
        foreach (var query in queries)
            for (var i = 0; i < 5; i++)
                await query.RunAsync(app.Services);

        // Latency: one query at a time, round robin, so each figure is the query's own time.
        var latencies = queries.ToDictionary(q => q, _ => new List<double>());
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            foreach (var query in queries)
            {
                var started = Stopwatch.GetTimestamp();
                await query.RunAsync(app.Services);
                latencies[query].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        foreach (var (query, times) in latencies)
            Console.WriteLine($"lists: {query.List,-16} {query.Name,-28} p50 {Percentile(times, 0.50),7:F2} ms  p95 {Percentile(times, 0.95),7:F2} ms  ({times.Count} runs)");
        var figures = queries.GroupBy(q => q.List).Select(g =>
        {
            var all = g.SelectMany(q => latencies[q]).ToList();
            return new ListFigures(g.Key, Percentile(all, 0.50), Percentile(all, 0.95));
        }).ToList();

        // Throughput: as many workers as pgbench gets clients, each running the page queries round robin.
        long done = 0;
        watch.Restart();
        until = DateTime.UtcNow.AddSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            for (var i = worker; DateTime.UtcNow < until; i++)
            {
                await queries[i % queries.Count].RunAsync(app.Services);
                Interlocked.Increment(ref done);
            }
        }));
        watch.Stop();
        return new ListsResult(figures, done / watch.Elapsed.TotalSeconds);
    }

    internal static double Percentile(List<double> values, double rank)
    {
        if (values.Count == 0)
            return 0;
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(rank * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private sealed record PageQuery(string List, string Name, Func<IServiceProvider, Task<int>> Run)
    {
        /// <summary>Runs the query in a fresh scope; a page that comes back empty means the bench measures nothing.</summary>
        public async Task RunAsync(IServiceProvider services)
        {
            if (await Run(services) == 0)
                throw new InvalidOperationException($"{List} {Name} returned no rows.");
        }
    }

    private static List<PageQuery> Queries(Guid firm, Seeded seeded)
    {
        PageQuery Invoice(string name, InvoiceListRequest request) => new("invoices", name, async services =>
        {
            await using var scope = BenchFirm.StaffScope(services, firm);
            return (await scope.ServiceProvider.GetRequiredService<InvoiceListQuery>().RunAsync(request)).Rows.Count;
        });
        PageQuery Client(string name, ClientListRequest request) => new("clients", name, async services =>
        {
            await using var scope = BenchFirm.StaffScope(services, firm);
            return (await scope.ServiceProvider.GetRequiredService<ClientListQuery>().RunAsync(request)).Rows.Count;
        });
        PageQuery Payment(string name, PaymentListRequest request) => new("payments", name, async services =>
        {
            await using var scope = BenchFirm.StaffScope(services, firm);
            return (await scope.ServiceProvider.GetRequiredService<PaymentListQuery>().RunAsync(request)).Rows.Count;
        });
        PageQuery OwnInvoices(string name, InvoiceListRequest request) => new("client_invoices", name, async services =>
        {
            // A contact: the tenant filters narrow every query to its account.
            await using var scope = services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firm, seeded.BusyClient);
            return (await scope.ServiceProvider.GetRequiredService<InvoiceListQuery>().RunAsync(request)).Rows.Count;
        });
        var lastInvoicePage = (Invoices - 1) / ListPaging.DefaultPageSize;
        return
        [
            Invoice("first page", new()),
            Invoice("sort by client", new() { Sort = InvoiceSort.Client, Descending = false }),
            Invoice("sort by total", new() { Sort = InvoiceSort.Total }),
            Invoice("filter overdue", new() { Overdue = true }),
            Invoice("filter paid, due in a year", new() { Status = InvoiceStatus.Paid, DueFrom = seeded.Today.AddDays(-365), DueTo = seeded.Today }),
            Invoice("search client name", new() { Search = "dupont" }),
            Invoice("search number", new() { Search = "INV-0424" }),
            Invoice("search reference", new() { Search = "po-123" }),
            Invoice("deep page", new() { Page = lastInvoicePage * 9 / 10 }),
            Client("first page", new()),
            Client("sort by amount due", new() { Sort = ClientSort.AmountDue, Descending = true }),
            Client("filter balance due", new() { HasBalanceDue = true }),
            Client("filter credit", new() { HasCredit = true }),
            Client("search name", new() { Search = "dupont" }),
            Client("deep page", new() { Page = Clients / ListPaging.DefaultPageSize - 2 }),
            Payment("first page", new()),
            Payment("sort by amount", new() { Sort = PaymentSort.Amount }),
            Payment("filter cheques", new() { Method = PaymentMethod.Cheque }),
            Payment("filter last month", new() { From = seeded.Today.AddDays(-30), To = seeded.Today }),
            Payment("search reference", new() { Search = "TRF-1234" }),
            Payment("search client name", new() { Search = "dupont" }),
            Payment("deep page", new() { Page = seeded.Payments / ListPaging.DefaultPageSize * 9 / 10 }),
            OwnInvoices("first page", new()),
            OwnInvoices("filter overdue", new() { Overdue = true }),
        ];
    }

    internal sealed record Seeded(int Clients, int Invoices, int Payments, Guid BusyClient, DateOnly Today);

    private static readonly string[] Surnames =
    [
        "Dupont", "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent", "Simon",
        "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Lambert", "Fontaine",
        "Rousseau", "Vincent", "Muller", "Lefevre", "Faure", "Andre", "Mercier", "Blanc", "Guerin", "Boyer", "Garnier", "Chevalier",
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans",
        "Walker", "White",
    ];

    private static readonly string[] Kinds = ["Ltd", "SARL", "Consulting", "Studio", "Traders", "& Co", "Partners"];

    /// <summary>
    /// Rows as the app would have written them, with COPY: EF one by one would take longer than the whole run.
    /// Fixed seed, so every run measures the same data.
    /// </summary>
    /// <param name="withLines">Also one line per invoice (its net and tax), for readers that show lines, such as the API.</param>
    internal static async Task<Seeded> SeedAsync(string connectionString, Guid firm, bool withLines = false)
    {
        var random = new Random(20261205);
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        var clients = new Guid[Clients];
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY \"ClientAccounts\" (\"Id\", \"FirmId\", \"Name\", \"BillingEmail\", \"Currency\", \"CreatedAt\") FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Clients; i++)
            {
                clients[i] = Guid.CreateVersion7();
                var surname = Surnames[i % Surnames.Length];
                await copy.StartRowAsync();
                await copy.WriteAsync(clients[i], NpgsqlDbType.Uuid);
                await copy.WriteAsync(firm, NpgsqlDbType.Uuid);
                await copy.WriteAsync($"{surname} {Kinds[i % Kinds.Length]} {i:D4}", NpgsqlDbType.Varchar);
                await copy.WriteAsync($"billing{i}@{surname.ToLowerInvariant()}.example", NpgsqlDbType.Varchar);
                await copy.WriteAsync("EUR", NpgsqlDbType.Varchar);
                await copy.WriteAsync(now.AddDays(-800), NpgsqlDbType.TimestampTz);
            }
            await copy.CompleteAsync();
        }

        // Statuses as a firm's books have them over two years: mostly paid or open, some partly paid, drafts and voids.
        var paidInvoices = new List<(Guid Id, Guid Client, long Paid, DateOnly Issued)>();
        var lines = new List<(Guid Invoice, int Net, int Tax)>();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY \"Invoices\" (\"Id\", \"FirmId\", \"ClientAccountId\", \"Number\", \"Currency\", \"Status\", \"IssueDate\", \"DueDate\", \"Reference\", "
            + "\"MethodsAllowed\", \"SubtotalMinor\", \"TaxMinor\", \"TotalMinor\", \"PaidMinor\", \"CreditedMinor\", \"CreditedTaxMinor\", \"PendingMinor\", "
            + "\"CreatedAt\", \"IssuedAt\", \"Version\") FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Invoices; i++)
            {
                var id = Guid.CreateVersion7();
                var client = clients[random.Next(Clients)];
                var roll = random.Next(100);
                var status = roll switch
                {
                    < 45 => InvoiceStatus.Paid,
                    < 80 => InvoiceStatus.Open,
                    < 90 => InvoiceStatus.PartiallyPaid,
                    < 95 => InvoiceStatus.Draft,
                    _ => InvoiceStatus.Void,
                };
                var issued = today.AddDays(-random.Next(0, 730));
                var subtotal = random.Next(10_00, 10_000_00);
                var tax = subtotal / 5;
                var total = (long)subtotal + tax;
                var paid = status switch { InvoiceStatus.Paid => total, InvoiceStatus.PartiallyPaid => total / 2, _ => 0L };
                await copy.StartRowAsync();
                await copy.WriteAsync(id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(firm, NpgsqlDbType.Uuid);
                await copy.WriteAsync(client, NpgsqlDbType.Uuid);
                if (status == InvoiceStatus.Draft)
                    await copy.WriteNullAsync();
                else
                    await copy.WriteAsync($"INV-{i + 1:D5}", NpgsqlDbType.Varchar);
                await copy.WriteAsync("EUR", NpgsqlDbType.Varchar);
                await copy.WriteAsync(status.ToString(), NpgsqlDbType.Varchar);
                await copy.WriteAsync(issued, NpgsqlDbType.Date);
                await copy.WriteAsync(issued.AddDays(30), NpgsqlDbType.Date);
                if (random.Next(10) < 3)
                    await copy.WriteAsync($"PO-{random.Next(10_000, 100_000)}", NpgsqlDbType.Varchar);
                else
                    await copy.WriteNullAsync();
                await copy.WriteAsync("All", NpgsqlDbType.Varchar);
                await copy.WriteAsync((long)subtotal, NpgsqlDbType.Bigint);
                await copy.WriteAsync((long)tax, NpgsqlDbType.Bigint);
                await copy.WriteAsync(total, NpgsqlDbType.Bigint);
                await copy.WriteAsync(paid, NpgsqlDbType.Bigint);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(now.AddDays(issued.DayNumber - today.DayNumber), NpgsqlDbType.TimestampTz);
                if (status == InvoiceStatus.Draft)
                    await copy.WriteNullAsync();
                else
                    await copy.WriteAsync(now.AddDays(issued.DayNumber - today.DayNumber), NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                if (paid > 0)
                    paidInvoices.Add((id, client, paid, issued));
                if (withLines)
                    lines.Add((id, subtotal, tax));
            }
            await copy.CompleteAsync();
        }
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY \"InvoiceLines\" (\"Id\", \"InvoiceId\", \"Position\", \"Description\", \"Quantity\", \"UnitPriceMinor\", \"TaxRateBasisPoints\", "
            + "\"NetMinor\", \"TaxMinor\", \"Kind\") FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (invoice, net, tax) in lines)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(invoice, NpgsqlDbType.Uuid);
                await copy.WriteAsync(0, NpgsqlDbType.Integer);
                await copy.WriteAsync("Bookkeeping and payroll, monthly retainer", NpgsqlDbType.Varchar);
                await copy.WriteAsync(1m, NpgsqlDbType.Numeric);
                await copy.WriteAsync((long)net, NpgsqlDbType.Bigint);
                await copy.WriteAsync(2000, NpgsqlDbType.Integer);
                await copy.WriteAsync((long)net, NpgsqlDbType.Bigint);
                await copy.WriteAsync((long)tax, NpgsqlDbType.Bigint);
                await copy.WriteAsync(nameof(SupplyKind.Service), NpgsqlDbType.Varchar);
            }
            await copy.CompleteAsync();
        }

        // One payment per paid or partly paid invoice, by every method, each with its allocation.
        PaymentMethod[] methods = [PaymentMethod.BankTransfer, PaymentMethod.Cheque, PaymentMethod.Cash, PaymentMethod.Card, PaymentMethod.DirectDebit];
        var payments = paidInvoices.Select((invoice, i) => (Id: Guid.CreateVersion7(), Invoice: invoice, Method: methods[i % methods.Length],
            At: now.AddDays(Math.Min(0, invoice.Issued.DayNumber - today.DayNumber + random.Next(0, 40))), Index: i)).ToList();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY \"Payments\" (\"Id\", \"FirmId\", \"ClientAccountId\", \"Method\", \"Provider\", \"Reference\", \"Currency\", \"AmountMinor\", \"FeeMinor\", "
            + "\"RefundedMinor\", \"CreditedBackMinor\", \"Status\", \"Disputed\", \"CreatedAt\", \"SucceededAt\", \"Version\") FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var payment in payments)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(payment.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(firm, NpgsqlDbType.Uuid);
                await copy.WriteAsync(payment.Invoice.Client, NpgsqlDbType.Uuid);
                await copy.WriteAsync(payment.Method.ToString(), NpgsqlDbType.Varchar);
                await copy.WriteAsync(payment.Method switch { PaymentMethod.Card => "Stripe", PaymentMethod.DirectDebit => "GoCardless", _ => "None" }, NpgsqlDbType.Varchar);
                if (payment.Method is PaymentMethod.BankTransfer or PaymentMethod.Cheque)
                    await copy.WriteAsync($"{(payment.Method == PaymentMethod.Cheque ? "CHQ" : "TRF")}-{payment.Index}", NpgsqlDbType.Varchar);
                else
                    await copy.WriteNullAsync();
                await copy.WriteAsync("EUR", NpgsqlDbType.Varchar);
                await copy.WriteAsync(payment.Invoice.Paid, NpgsqlDbType.Bigint);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync((payment.Index % 3 == 0 ? PaymentStatus.Settled : PaymentStatus.Succeeded).ToString(), NpgsqlDbType.Varchar);
                await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                await copy.WriteAsync(payment.At, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(payment.At, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
            }
            await copy.CompleteAsync();
        }
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY \"PaymentAllocations\" (\"Id\", \"FirmId\", \"PaymentId\", \"InvoiceId\", \"AmountMinor\", \"ReservedMinor\", \"Currency\") FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var payment in payments)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(firm, NpgsqlDbType.Uuid);
                await copy.WriteAsync(payment.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(payment.Invoice.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(payment.Invoice.Paid, NpgsqlDbType.Bigint);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync("EUR", NpgsqlDbType.Varchar);
            }
            await copy.CompleteAsync();
        }

        // Every fifth client holds some credit.
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY \"Wallets\" (\"Id\", \"FirmId\", \"ClientAccountId\", \"Currency\", \"BalanceMinor\", \"NeedsAttention\", \"Version\") FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Clients; i += 5)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(firm, NpgsqlDbType.Uuid);
                await copy.WriteAsync(clients[i], NpgsqlDbType.Uuid);
                await copy.WriteAsync("EUR", NpgsqlDbType.Varchar);
                await copy.WriteAsync((long)random.Next(1_00, 500_00), NpgsqlDbType.Bigint);
                await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
            }
            await copy.CompleteAsync();
        }

        // Statistics for the planner and a visibility map for index-only scans, as autovacuum would have by now.
        await using (var vacuum = new NpgsqlCommand("VACUUM ANALYZE", connection))
            await vacuum.ExecuteNonQueryAsync();
        var busiest = paidInvoices.GroupBy(p => p.Client).OrderByDescending(g => g.Count()).First().Key;
        return new Seeded(Clients, Invoices, payments.Count, busiest, today);
    }
}
