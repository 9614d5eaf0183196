using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Reminders;
using Portal.Reminders;

namespace Portal.Collections;

/// <summary>
/// One client's unpaid invoices in one currency, by age past the due date (minor units), with where reminders stand:
/// the last one sent, the next the schedule will send, "cannot be reminded: no email", and any promise to pay.
/// </summary>
public sealed record CollectionsRow(
    Guid ClientAccountId, string Client, Currency Currency,
    long CurrentMinor, long Days1To30Minor, long Days31To60Minor, long Days61To90Minor, long Over90Minor,
    DateTimeOffset? LastReminderAt, DateOnly? NextReminderOn, bool NoEmail, DateOnly? PromisedBy, string? PromiseNote)
{
    public long TotalMinor => CurrentMinor + Days1To30Minor + Days31To60Minor + Days61To90Minor + Over90Minor;
    public long OverdueMinor => TotalMinor - CurrentMinor;
}

/// <summary>The staff collections view: clients with overdue invoices, most overdue money first.</summary>
public sealed class Collections(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxPageSize = 200;

    /// <summary>One page of the view, most overdue money first. The ageing is summed in the database: which clients are listed,
    /// from the overdue invoices only, then the page's clients' buckets; only the page's clients' invoices are read.</summary>
    public async Task<(IReadOnlyList<CollectionsRow> Rows, int Total)> ReadAsync(int page = 1, int size = 50, CancellationToken cancellationToken = default)
    {
        size = Math.Clamp(size, 1, MaxPageSize);
        return await RowsAsync((Math.Max(page, 1) - 1) * size, size, cancellationToken);
    }

    /// <summary>The whole view, for the CSV export.</summary>
    public async Task<List<CollectionsRow>> AllAsync(CancellationToken cancellationToken = default) =>
        [.. (await RowsAsync(0, int.MaxValue, cancellationToken)).Rows];

    private async Task<(IReadOnlyList<CollectionsRow> Rows, int Total)> RowsAsync(int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        var today = firm.LocalToday(clock.GetUtcNow());
        var (d30, d60, d90) = (today.AddDays(-30), today.AddDays(-60), today.AddDays(-90));
        var open = db.Invoices.Where(i => i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid);
        // Only clients with something overdue are listed, most overdue money first: which ones, and in what order, is found
        // from the invoices past their due date alone (the index on firm, status and due date reads just those), rather
        // than by ageing every open invoice of the firm on every page.
        var overdue =
            from invoice in open
            where invoice.DueDate < today
            group invoice by new { invoice.ClientAccountId, invoice.Currency } into owed
            select new { owed.Key.ClientAccountId, owed.Key.Currency, Overdue = owed.Sum(i => i.TotalMinor - i.CreditedMinor - i.PaidMinor) };
        var listed =
            from row in overdue
            where row.Overdue > 0
            join client in db.ClientAccounts on row.ClientAccountId equals client.Id
            select new { row.ClientAccountId, row.Currency, row.Overdue, client.Name };
        var total = await listed.CountAsync(cancellationToken);
        var page = await listed.OrderByDescending(r => r.Overdue).ThenBy(r => r.Name).ThenBy(r => r.ClientAccountId)
            .Skip(skip).Take(take).ToListAsync(cancellationToken);
        if (page.Count == 0)
            return ([], total);

        // The page's clients' open invoices, aged in the database (their invoices not yet due show as "current").
        var clientIds = page.Select(r => r.ClientAccountId).Distinct().ToList();
        var aged = await (
            from invoice in open
            where clientIds.Contains(invoice.ClientAccountId)
            group invoice by new { invoice.ClientAccountId, invoice.Currency } into owed
            select new
            {
                owed.Key.ClientAccountId,
                owed.Key.Currency,
                Current = owed.Sum(i => i.DueDate >= today ? i.TotalMinor - i.CreditedMinor - i.PaidMinor : 0L),
                Days1To30 = owed.Sum(i => i.DueDate < today && i.DueDate >= d30 ? i.TotalMinor - i.CreditedMinor - i.PaidMinor : 0L),
                Days31To60 = owed.Sum(i => i.DueDate < d30 && i.DueDate >= d60 ? i.TotalMinor - i.CreditedMinor - i.PaidMinor : 0L),
                Days61To90 = owed.Sum(i => i.DueDate < d60 && i.DueDate >= d90 ? i.TotalMinor - i.CreditedMinor - i.PaidMinor : 0L),
                Over90 = owed.Sum(i => i.DueDate < d90 ? i.TotalMinor - i.CreditedMinor - i.PaidMinor : 0L),
            }).ToDictionaryAsync(r => (r.ClientAccountId, r.Currency), cancellationToken);

        // Where reminders stand, for the page's clients only, from the few columns the rules read.
        var invoices = await open.AsNoTracking().Where(i => clientIds.Contains(i.ClientAccountId))
            .Select(i => new InvoiceStanding(i.Id, i.FirmId, i.ClientAccountId, i.Currency, i.Status, i.DueDate, i.TotalMinor, i.CreditedMinor, i.PaidMinor,
                i.PendingMinor, i.DoNotRemind))
            .ToListAsync(cancellationToken);
        var circumstances = await ReminderCircumstances.ReadAsync(db, firm, invoices, wholeFirm: false, cancellationToken);
        var lastSent = await db.Reminders.Where(r => r.Status == ReminderStatus.Sent && clientIds.Contains(r.ClientAccountId))
            .GroupBy(r => r.ClientAccountId).Select(g => new { g.Key, At = g.Max(r => r.SentAt) }).ToDictionaryAsync(g => g.Key, g => g.At, cancellationToken);
        var byGroup = invoices.ToLookup(i => (i.ClientAccountId, i.Currency));
        return ([.. page.Select(r =>
        {
            var group = byGroup[(r.ClientAccountId, r.Currency)].Where(i => i.AmountDue.IsPositive).ToList();
            var client = circumstances.Client(group[0]);
            var next = group.Where(i => ReminderRules.WhyNot(circumstances.For(i), today) is null)
                .Select(i => firm.Reminders.NextAfter(i.DueDate, today)?.Day).Where(d => d is not null).Min();
            var ages = aged[(r.ClientAccountId, r.Currency)];
            return new CollectionsRow(client.Id, r.Name, r.Currency, ages.Current, ages.Days1To30, ages.Days31To60, ages.Days61To90, ages.Over90,
                lastSent.GetValueOrDefault(client.Id), next, client.InvoiceEmailRecipient is null, client.PromisedToPayBy, client.PromiseNote);
        })], total);
    }

    public static readonly string[] CsvHeaders = ["client", "currency", "current", "1-30", "31-60", "61-90", "90+", "total", "last_reminder", "next_reminder", "no_email", "promised_by", "promise_note"];

    /// <summary>
    /// The whole view as CSV. Cells are text: a client named "=HYPERLINK(…)" would otherwise run in a spreadsheet, so
    /// the library's formula guard escapes any cell starting with = + - @ (as the books exports do).
    /// </summary>
    public async Task WriteCsvAsync(Stream output, CancellationToken cancellationToken = default)
    {
        var rows = await AllAsync(cancellationToken);
        var options = new CsvWriterOptions { Separator = ',', Injection = CsvInjection.Escape, WriteByteOrderMark = true };
        await using var csv = CsvWriter.Create(output, options, leaveOpen: true);
        await csv.WriteRecordAsync(CsvHeaders, cancellationToken);
        foreach (var row in rows)
            await csv.WriteRecordAsync([
                row.Client, row.Currency.Code, Amount(row.CurrentMinor, row.Currency), Amount(row.Days1To30Minor, row.Currency),
                Amount(row.Days31To60Minor, row.Currency), Amount(row.Days61To90Minor, row.Currency), Amount(row.Over90Minor, row.Currency),
                Amount(row.TotalMinor, row.Currency), row.LastReminderAt?.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture) ?? "",
                row.NextReminderOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", row.NoEmail ? "yes" : "no",
                row.PromisedBy?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", row.PromiseNote ?? "",
            ], cancellationToken);
        await csv.FlushAsync(cancellationToken);
    }

    // Minor units to a plain decimal with the currency's digits, for spreadsheets: the exponent is the currency's own.
    private static string Amount(long minor, Currency currency)
    {
        if (currency.Exponent == 0)
            return minor.ToString(CultureInfo.InvariantCulture);
        var unit = currency.MinorPerMajor;
        var sign = minor < 0 ? "-" : "";
        var abs = Math.Abs(minor);
        return $"{sign}{abs / unit}.{(abs % unit).ToString(CultureInfo.InvariantCulture).PadLeft(currency.Exponent, '0')}";
    }
}

public static class CollectionsSetup
{
    public static IServiceCollection AddCollections(this IServiceCollection services) => services.AddScoped<Collections>().AddScoped<CollectionsInsights>();

    public static void MapCollectionsExport(this IEndpointRouteBuilder app) =>
        app.MapGet("/staff/collections/export.csv", (Collections collections) =>
                Results.Stream(stream => collections.WriteCsvAsync(stream), "text/csv; charset=utf-8", "collections.csv"))
            .RequireAuthorization(Portal.Account.Policies.Staff);
}
