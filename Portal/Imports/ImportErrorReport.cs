using CsvHelper;
using Portal.Domain.Imports;

namespace Portal.Imports;

/// <summary>
/// The rows an import rejected, as they were in the file, with a reason column in the reader's language, so staff fix
/// them in their spreadsheet and import that file again. UTF-8 with a byte order mark, formulas kept as text (as the exports).
/// </summary>
public static class ImportErrorReport
{
    public static async Task WriteAsync(ImportReport report, Stream output, Func<ImportRowError, string> describe, string reasonHeader, string rowHeader,
        CancellationToken cancellationToken = default)
    {
        var options = new CsvWriterOptions { Separator = ',', Injection = CsvInjection.Escape, WriteByteOrderMark = true };
        await using var csv = CsvWriter.Create(output, options, leaveOpen: true);
        await csv.WriteRecordAsync([rowHeader, .. report.Headers, reasonHeader], cancellationToken);
        foreach (var rejected in report.Rejected)
        {
            var cells = Enumerable.Range(0, report.Headers.Count).Select(i => i < rejected.Cells.Count ? rejected.Cells[i] : "");
            var reason = string.Join(" ; ", rejected.Errors.Select(describe));
            await csv.WriteRecordAsync([rejected.Row.ToString(System.Globalization.CultureInfo.InvariantCulture), .. cells, reason], cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }

    public static async Task<byte[]> ToBytesAsync(ImportReport report, Func<ImportRowError, string> describe, string reasonHeader, string rowHeader)
    {
        using var output = new MemoryStream();
        await WriteAsync(report, output, describe, reasonHeader, rowHeader);
        return output.ToArray();
    }
}
