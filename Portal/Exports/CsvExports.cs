using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Api;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Payments;

namespace Portal.Exports;

/// <summary>
/// The firm's clients, invoices and payments as CSV for staff, written row by row as the database reads them, so
/// a firm of any size costs the memory of one row. UTF-8 with a byte order mark (Excel needs it to read accents), and
/// every text cell passes the library's formula guard: a cell starting with = + - @, tab or CR gets a leading
/// apostrophe, so a client named "=HYPERLINK(…)" stays text in a spreadsheet (as in the books and collections exports).
/// Every query goes through the tenant filter: staff get their own firm's rows and nothing else.
/// </summary>
public static class CsvExports
{
    public static readonly string[] ClientHeaders = ["id", "name", "billing_email", "currency", "company_number", "created_at"];

    public static readonly string[] InvoiceHeaders =
        ["id", "number", "client_id", "client", "status", "currency", "issue_date", "due_date", "reference", "subtotal", "tax", "total", "paid", "due", "created_at"];

    public static readonly string[] PaymentHeaders =
        ["id", "client_id", "client", "method", "status", "currency", "amount", "refunded", "reference", "created_at", "succeeded_at"];

    public static void MapCsvExports(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/staff").RequireAuthorization(Policies.Staff);
        exports.MapGet("/clients/export.csv", (IDbContextFactory<PortalDbContext> dbFactory) =>
            Csv("clients.csv", (output, token) => WriteClientsAsync(dbFactory, output, token)));
        exports.MapGet("/invoices/export.csv", (IDbContextFactory<PortalDbContext> dbFactory) =>
            Csv("invoices.csv", (output, token) => WriteInvoicesAsync(dbFactory, output, token)));
        exports.MapGet("/payments/export.csv", (IDbContextFactory<PortalDbContext> dbFactory) =>
            Csv("payments.csv", (output, token) => WritePaymentsAsync(dbFactory, output, token)));
    }

    private static IResult Csv(string fileName, Func<Stream, CancellationToken, Task> write) =>
        Results.Stream(async output => await write(output, CancellationToken.None), "text/csv; charset=utf-8", fileName);

    public static async Task WriteClientsAsync(IDbContextFactory<PortalDbContext> dbFactory, Stream output, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = db.ClientAccounts.AsNoTracking().OrderBy(c => c.Name).ThenBy(c => c.Id)
            .Select(c => new { c.Id, c.Name, c.BillingEmail, c.Currency, c.CompanyNumber, c.CreatedAt }).AsAsyncEnumerable();
        await WriteAsync(output, ClientHeaders, rows, c =>
            [Id(c.Id), c.Name, c.BillingEmail, c.Currency.Code, c.CompanyNumber ?? "", Moment(c.CreatedAt)], cancellationToken);
    }

    public static async Task WriteInvoicesAsync(IDbContextFactory<PortalDbContext> dbFactory, Stream output, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = (from i in db.Invoices.AsNoTracking()
                    join c in db.ClientAccounts on i.ClientAccountId equals c.Id
                    orderby i.CreatedAt, i.Id
                    select new
                    {
                        i.Id, i.Number, i.ClientAccountId, Client = c.Name, i.Status, i.Currency, i.IssueDate, i.DueDate, i.Reference,
                        i.SubtotalMinor, i.TaxMinor, i.TotalMinor, i.PaidMinor, i.CreditedMinor, i.CreatedAt,
                    }).AsAsyncEnumerable();
        // What is due as Invoice.AmountDue (and the API's amount_due) says: the total less what was paid and credited; void owes nothing.
        await WriteAsync(output, InvoiceHeaders, rows, i =>
        [
            Id(i.Id), i.Number ?? "", Id(i.ClientAccountId), i.Client, ApiEnum.Name(i.Status), i.Currency.Code, Day(i.IssueDate), Day(i.DueDate), i.Reference ?? "",
            Amount(i.SubtotalMinor, i.Currency), Amount(i.TaxMinor, i.Currency), Amount(i.TotalMinor, i.Currency), Amount(i.PaidMinor, i.Currency),
            Amount(i.Status == Domain.Invoices.InvoiceStatus.Void ? 0 : i.TotalMinor - i.CreditedMinor - i.PaidMinor, i.Currency),
            Moment(i.CreatedAt),
        ], cancellationToken);
    }

    public static async Task WritePaymentsAsync(IDbContextFactory<PortalDbContext> dbFactory, Stream output, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // A card or mandate page left unfinished is an attempt, not a payment: the lists never show it, nor does this.
        var rows = (from p in db.Payments.AsNoTracking().IgnoreAutoIncludes()
                    join c in db.ClientAccounts on p.ClientAccountId equals c.Id
                    where p.Status != PaymentStatus.Initiated && !(p.Status == PaymentStatus.Cancelled && p.PendingAt == null && p.SucceededAt == null)
                    orderby p.CreatedAt, p.Id
                    select new { p.Id, p.ClientAccountId, Client = c.Name, p.Method, p.Status, p.Currency, p.AmountMinor, p.RefundedMinor, p.Reference, p.CreatedAt, p.SucceededAt })
            .AsAsyncEnumerable();
        await WriteAsync(output, PaymentHeaders, rows, p =>
        [
            Id(p.Id), Id(p.ClientAccountId), p.Client, ApiEnum.Name(p.Method), ApiEnum.Name(p.Status), p.Currency.Code,
            Amount(p.AmountMinor, p.Currency), Amount(p.RefundedMinor, p.Currency), p.Reference ?? "", Moment(p.CreatedAt), p.SucceededAt is { } at ? Moment(at) : "",
        ], cancellationToken);
    }

    private static async Task WriteAsync<T>(Stream output, string[] headers, IAsyncEnumerable<T> rows, Func<T, string[]> cells, CancellationToken cancellationToken)
    {
        var options = new CsvWriterOptions { Separator = ',', Injection = CsvInjection.Escape, WriteByteOrderMark = true };
        await using var csv = CsvWriter.Create(output, options, leaveOpen: true);
        await csv.WriteRecordAsync(headers, cancellationToken);
        await foreach (var row in rows.WithCancellation(cancellationToken))
            await csv.WriteRecordAsync(cells(row), cancellationToken);
        await csv.FlushAsync(cancellationToken);
    }

    private static string Id(Guid id) => id.ToString();

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Moment(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // Minor units to a plain decimal with the currency's own digits, for spreadsheets. Never negative here, so the
    // formula guard never takes an amount for a formula.
    private static string Amount(long minor, Currency currency)
    {
        if (currency.Exponent == 0)
            return minor.ToString(CultureInfo.InvariantCulture);
        var unit = currency.MinorPerMajor;
        return $"{minor / unit}.{(minor % unit).ToString(CultureInfo.InvariantCulture).PadLeft(currency.Exponent, '0')}";
    }
}
