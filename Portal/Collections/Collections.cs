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

    public async Task<(IReadOnlyList<CollectionsRow> Rows, int Total)> ReadAsync(int page = 1, int size = 50, CancellationToken cancellationToken = default)
    {
        var all = await AllAsync(cancellationToken);
        size = Math.Clamp(size, 1, MaxPageSize);
        return ([.. all.Skip((Math.Max(page, 1) - 1) * size).Take(size)], all.Count);
    }

    public async Task<List<CollectionsRow>> AllAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        var today = firm.LocalToday(clock.GetUtcNow());
        // Only clients with something overdue are listed; their invoices not yet due show as "current".
        var overdueClients = db.Invoices.Where(i => (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid) && i.DueDate < today)
            .Select(i => i.ClientAccountId);
        var invoices = await db.Invoices.AsNoTracking()
            .Where(i => (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid) && overdueClients.Contains(i.ClientAccountId))
            .ToListAsync(cancellationToken);
        if (invoices.Count == 0)
            return [];
        var circumstances = await ReminderCircumstances.ReadAsync(db, firm, invoices, cancellationToken);
        var lastSent = await db.Reminders.Where(r => r.Status == ReminderStatus.Sent)
            .GroupBy(r => r.ClientAccountId).Select(g => new { g.Key, At = g.Max(r => r.SentAt) }).ToDictionaryAsync(g => g.Key, g => g.At, cancellationToken);
        return [.. invoices.Where(i => i.AmountDue.IsPositive).GroupBy(i => (i.ClientAccountId, i.Currency)).Select(group =>
        {
            long Bucket(int fromDays, int toDays) => group.Where(i => today.DayNumber - i.DueDate.DayNumber is var late && late >= fromDays && late <= toDays).Sum(i => i.AmountDue.Minor);
            var client = circumstances.Client(group.First());
            var next = group.Where(i => ReminderRules.WhyNot(circumstances.For(i), today) is null)
                .Select(i => firm.Reminders.NextAfter(i.DueDate, today)?.Day).Where(d => d is not null).Min();
            return new CollectionsRow(client.Id, client.Name, group.Key.Currency,
                Bucket(int.MinValue, 0), Bucket(1, 30), Bucket(31, 60), Bucket(61, 90), Bucket(91, int.MaxValue),
                lastSent.GetValueOrDefault(client.Id), next, client.InvoiceEmailRecipient is null, client.PromisedToPayBy, client.PromiseNote);
        }).Where(r => r.OverdueMinor > 0).OrderByDescending(r => r.OverdueMinor).ThenBy(r => r.Client, StringComparer.Ordinal)];
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
