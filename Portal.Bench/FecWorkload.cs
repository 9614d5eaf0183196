using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Portal.Audit;
using Portal.Books;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Books;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Invoices;
using Portal.Ledger;
using Portal.Notifications;
using Portal.Payments;
using Portal.Wallets;

namespace Portal.Bench;

/// <summary>
/// A year of books exported as a FEC through the app's own reader and writer, against PostgreSQL's own COPY of the same
/// rows (postings joined with their transaction, invoice, payment and client, in the same order) in the same run.
/// The year is seeded fast: a few real invoices and transfers made through the app's services, then copied in SQL
/// (INSERT … SELECT over generate_series) into 200,000 ledger transactions spread over twelve months.
/// </summary>
internal static class FecWorkload
{
    private const int TemplateClients = 10;

    public sealed record Result(long Transactions, long Lines, double RowsPerSecond, double PeakManagedMb, double PeakWorkingSetMb, double CopyRowsPerSecond);

    public static async Task<Result> RunAsync(BenchPostgres server, int transactions)
    {
        var connectionString = await server.CreateDatabaseAsync("portal_bench_fec");
        await using var app = await BenchApp.StartAsync(connectionString, "fec",
            services => services.AddInvoices().AddLedger().AddAudit().AddPayments().AddWallets().AddBooks().AddNotifications());
        var firmId = await BenchFirm.CreateAsync(app.Services, "fec");
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < TemplateClients; i++)
            await TemplateClientAsync(app.Services, firmId, i);
        var copies = (int)Math.Ceiling(transactions / (TemplateClients * 2.0)) - 1;
        var seed = Stopwatch.StartNew();
        await MultiplyAsync(connectionString, firmId, copies, TimeSpan.FromDays(364) / Math.Max(1, copies));
        // The bench firm counts in the default time zone, as the export does.
        var calendar = new BusinessCalendar(Firm.DefaultTimeZone);
        var from = calendar.PeriodOf(now.AddDays(-365));
        var to = calendar.PeriodOf(now);
        long seeded;
        await using (var db = BenchFirm.OpenDb(app.Services, firmId))
            seeded = await db.LedgerTransactions.LongCountAsync();
        Console.WriteLine($"fec: {seeded} ledger transactions seeded in {seed.Elapsed.TotalSeconds:F1} s, exporting {from} to {to}");

        // Warm up the reader and writer on one month, then measure the year.
        await ExportAsync(app.Services, firmId, to, to);
        var peak = MemoryPeak.Start();
        var watch = Stopwatch.StartNew();
        var lines = await ExportAsync(app.Services, firmId, from, to);
        watch.Stop();
        var (peakManagedMb, peakWorkingSetMb) = await peak.StopAsync();
        var rowsPerSecond = lines / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"fec: {lines} lines in {watch.Elapsed.TotalSeconds:F1} s");

        var (copyRows, copyElapsed) = await CopyAsync(connectionString, firmId, calendar.StartOf(from), calendar.EndOf(to));
        Console.WriteLine($"copy: {copyRows} rows in {copyElapsed.TotalSeconds:F1} s");
        if (copyRows != lines)
            throw new InvalidOperationException($"The FEC wrote {lines} lines but COPY read {copyRows} postings: they do not export the same rows.");
        return new Result(seeded, lines, rowsPerSecond, peakManagedMb, peakWorkingSetMb, copyRows / copyElapsed.TotalSeconds);
    }

    private static async Task<long> ExportAsync(IServiceProvider services, Guid firmId, AccountingPeriod from, AccountingPeriod to)
    {
        await using var scope = BenchFirm.StaffScope(services, firmId);
        var journal = scope.ServiceProvider.GetRequiredService<JournalEntries>();
        await using var output = new CountingStream();
        return await BooksExports.WriteFecAsync(journal.ReadAsync(from, to), output);
    }

    /// <summary>The rows the FEC is made of, read by PostgreSQL's COPY to the client in text form: the yardstick.</summary>
    private static async Task<(long Rows, TimeSpan Elapsed)> CopyAsync(string connectionString, Guid firmId, DateTimeOffset start, DateTimeOffset end)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var watch = Stopwatch.StartNew();
        // Values are ours (a firm id and two instants), written as literals because COPY takes no parameters.
        var sql = $"""
            COPY (SELECT t."Id", t."Kind", t."OccurredAt", t."PaymentId", p."AccountCode", p."AmountMinor", p."Currency", p."InvoiceId", p."ClientAccountId",
                         i."Number", i."IssueDate", y."Reference", y."ProviderPaymentId", y."Method", c."Name"
                  FROM "Postings" p
                  JOIN "LedgerTransactions" t ON t."Id" = p."TransactionId"
                  LEFT JOIN "Invoices" i ON i."Id" = p."InvoiceId"
                  LEFT JOIN "Payments" y ON y."Id" = t."PaymentId"
                  LEFT JOIN "ClientAccounts" c ON c."Id" = p."ClientAccountId"
                  WHERE p."FirmId" = '{firmId}' AND t."OccurredAt" >= '{start:O}' AND t."OccurredAt" < '{end:O}'
                  ORDER BY t."OccurredAt", t."Id", p."Id") TO STDOUT
            """;
        long rows = 0;
        using (var reader = await connection.BeginTextExportAsync(sql))
        {
            while (await reader.ReadLineAsync() is not null)
                rows++;
        }
        return (rows, watch.Elapsed);
    }

    private static async Task TemplateClientAsync(IServiceProvider services, Guid firmId, int index)
    {
        var client = new ClientAccount(firmId, $"Client {index}", $"client{index}@bench.example", Currency.EUR, DateTimeOffset.UtcNow);
        await using (var db = BenchFirm.OpenDb(services, firmId))
        {
            db.ClientAccounts.Add(client);
            await db.SaveChangesAsync();
        }
        await using var scope = BenchFirm.StaffScope(services, firmId);
        var invoicing = scope.ServiceProvider.GetRequiredService<Invoicing>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var invoiceId = await invoicing.CreateDraftAsync(new InvoiceDraft(client.Id, "EUR", today, today.AddDays(30), null, null, PaymentMethods.All,
            [new InvoiceLineInput("Bookkeeping", 1, 250_00 + index, 2000)]));
        await invoicing.IssueAsync(invoiceId);
        var total = new Money((250_00 + index) * 12 / 10, Currency.EUR);
        await scope.ServiceProvider.GetRequiredService<ManualPaymentRecorder>().RecordAsync(new ManualPaymentRequest(client.Id, PaymentMethod.BankTransfer, total,
            [new InvoiceAmount(invoiceId, total)], SurplusToCredit: false, $"VIR-{index}", Guid.NewGuid().ToString("N")));
    }

    /// <summary>
    /// Copies the firm's invoices, payments, ledger transactions and postings <paramref name="copies"/> times, each copy
    /// <paramref name="step"/> earlier than the one before, with fresh ids (md5 of the original id and the copy number,
    /// so postings find their copied transaction and invoice) and fresh keys and numbers.
    /// </summary>
    private static async Task MultiplyAsync(string connectionString, Guid firmId, int copies, TimeSpan step)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        static string Id(string column) => $"md5(\"{column}\"::text || ':' || g)::uuid";
        var overrides = new Dictionary<string, Dictionary<string, string>>
        {
            ["Invoices"] = new() { ["Id"] = Id("Id"), ["Number"] = "\"Number\" || '/' || g", ["Version"] = "gen_random_uuid()" },
            ["Payments"] = new() { ["Id"] = Id("Id"), ["Reference"] = "\"Reference\" || '/' || g", ["Version"] = "gen_random_uuid()" },
            ["LedgerTransactions"] = new()
            {
                ["Id"] = Id("Id"), ["IdempotencyKey"] = "\"IdempotencyKey\" || ':' || g", ["OccurredAt"] = $"\"OccurredAt\" - g * interval '{(long)step.TotalSeconds} seconds'",
                ["PaymentId"] = $"CASE WHEN \"PaymentId\" IS NULL THEN NULL ELSE {Id("PaymentId")} END",
            },
            ["Postings"] = new()
            {
                ["Id"] = Id("Id"), ["TransactionId"] = Id("TransactionId"),
                ["InvoiceId"] = $"CASE WHEN \"InvoiceId\" IS NULL THEN NULL ELSE {Id("InvoiceId")} END",
            },
        };
        // The template rows are set aside first, so each slice copies them and never the copies of an earlier slice.
        foreach (var table in overrides.Keys)
        {
            await using var template = new NpgsqlCommand($"CREATE TEMP TABLE \"template_{table}\" AS SELECT * FROM \"{table}\" WHERE \"FirmId\" = '{firmId}'", connection);
            await template.ExecuteNonQueryAsync();
        }
        foreach (var (table, replaced) in overrides)
        {
            var columns = new List<string>();
            await using (var command = new NpgsqlCommand("SELECT column_name FROM information_schema.columns WHERE table_name = @table AND table_schema = 'public' ORDER BY ordinal_position", connection))
            {
                command.Parameters.AddWithValue("table", table);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    columns.Add(reader.GetString(0));
            }
            var select = string.Join(", ", columns.Select(c => replaced.GetValueOrDefault(c, $"\"{c}\"")));
            // In slices, so one statement never holds the whole year in the server's memory at once.
            for (var first = 1; first <= copies; first += 1000)
            {
                var last = Math.Min(copies, first + 999);
                var sql = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) " +
                    $"SELECT {select} FROM \"template_{table}\" o, generate_series({first}, {last}) g";
                await using var insert = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
                await insert.ExecuteNonQueryAsync();
            }
        }
        await using var analyze = new NpgsqlCommand("ANALYZE", connection) { CommandTimeout = 0 };
        await analyze.ExecuteNonQueryAsync();
    }

    /// <summary>Where the FEC goes: counts its bytes and keeps none, as a response stream to a fast client would.</summary>
    private sealed class CountingStream : Stream
    {
        public long Written { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written;
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Written += count;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
