using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Portal.Account;
using Portal.Domain;
using Portal.Domain.Books;
using Portal.Localization;

namespace Portal.Books;

/// <summary>
/// Downloads of the books, streamed to the response as they are read (a year of entries never sits in memory).
/// Owners, admins and accountants only. Bad parameters are answered 400 with the reason, before anything is read.
/// </summary>
public static class BooksEndpoints
{
    public static void MapBooksExports(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/books/exports").RequireAuthorization(Policies.Books);
        exports.MapGet("/fec", ExportFec);
        exports.MapGet("/csv", ExportCsvAsync);
    }

    private static IResult ExportFec([FromQuery] string? from, [FromQuery] string? to, [FromQuery] string? siren,
        JournalEntries journal, IStringLocalizer<Text> T)
    {
        try
        {
            var (first, last) = Months(from, to);
            var sirenDigits = Fec.Siren(siren);
            return Results.Stream(stream => BooksExports.WriteFecAsync(journal.ReadAsync(first, last), stream),
                "text/plain; charset=utf-8", Fec.FileName(sirenDigits, last.LastDay));
        }
        catch (DomainException refused)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: refused.ToText(T));
        }
    }

    private static async Task<IResult> ExportCsvAsync([FromQuery] string? from, [FromQuery] string? to, [FromQuery] string? journal,
        [FromQuery] string? layout, JournalEntries entries, IStringLocalizer<Text> T)
    {
        try
        {
            var (first, last) = Months(from, to);
            var chosenLayout = Enum.TryParse<CsvLayout>(layout ?? nameof(CsvLayout.Generic), ignoreCase: true, out var l) && Enum.IsDefined(l)
                ? l : throw new DomainException($"'{layout}' is not a CSV layout: use generic, sage or ebp.");
            Journal? only = null;
            if (!string.IsNullOrWhiteSpace(journal))
                only = (await entries.ChartAsync()).JournalOfCode(journal) ?? throw new DomainException($"'{journal}' is not one of the firm's journal codes.");
            var name = $"journal-{(only is null ? "all" : journal!.Trim().ToUpperInvariant())}-{first}-{last}-{chosenLayout.ToString().ToLowerInvariant()}.csv";
            return Results.Stream(stream => BooksExports.WriteCsvAsync(entries.ReadAsync(first, last, only), chosenLayout, stream),
                "text/csv; charset=utf-8", name);
        }
        catch (DomainException refused)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: refused.ToText(T));
        }
    }

    private static (AccountingPeriod From, AccountingPeriod To) Months(string? from, string? to)
    {
        var first = AccountingPeriod.Parse(from);
        var last = AccountingPeriod.Parse(to ?? from);
        if (last < first)
            throw new DomainException("The last month of an export cannot be before its first.");
        return (first, last);
    }
}
