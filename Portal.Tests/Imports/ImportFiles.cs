using System.Text;
using Portal.Tests.Fixture;
using Portal.Domain.Imports;
using Portal.Imports;

namespace Portal.Tests.Imports;

/// <summary>CSV files as a spreadsheet saves them, and the import run as staff run it.</summary>
internal static class ImportFiles
{
    public static MemoryStream Csv(string text, bool byteOrderMark = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));
        return new MemoryStream(byteOrderMark ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes);
    }

    public static Dictionary<string, int> Guess(ImportKind kind, Stream file) => ImportFields.Guess(kind, CsvImportFile.Headers(file));

    public static Task<ImportReport> PreviewClientsAsync(this PortalApp app, TestFirm firm, Stream file, IReadOnlyDictionary<string, int>? mapping = null) =>
        app.AsStaffOfAsync<ClientImport, ImportReport>(firm, s => s.PreviewAsync(file, mapping ?? Guess(ImportKind.Clients, file)));

    public static Task<ImportReport> CommitClientsAsync(this PortalApp app, TestFirm firm, Stream file, IReadOnlyDictionary<string, int>? mapping = null) =>
        app.AsStaffOfAsync<ClientImport, ImportReport>(firm, s => s.CommitAsync(file, mapping ?? Guess(ImportKind.Clients, file)));

    public static Task<ImportReport> PreviewInvoicesAsync(this PortalApp app, TestFirm firm, Stream file, IReadOnlyDictionary<string, int>? mapping = null) =>
        app.AsStaffOfAsync<InvoiceImport, ImportReport>(firm, s => s.PreviewAsync(file, mapping ?? Guess(ImportKind.Invoices, file)));

    public static Task<ImportReport> CommitInvoicesAsync(this PortalApp app, TestFirm firm, Stream file, IReadOnlyDictionary<string, int>? mapping = null) =>
        app.AsStaffOfAsync<InvoiceImport, ImportReport>(firm, s => s.CommitAsync(file, mapping ?? Guess(ImportKind.Invoices, file)));

    /// <summary>What each row does, as "row:action:label", for comparing a preview with its commit.</summary>
    public static string[] Outcomes(this ImportReport report) => report.Rows.Select(r => $"{r.Row}:{r.Action}:{r.Label}").ToArray();
}
