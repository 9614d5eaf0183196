using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Audit;
using Portal.Clients;
using Portal.Domain.Imports;
using Portal.Imports;

namespace Portal.Bench;

/// <summary>What a client import of the whole file took: each step's time and the most memory the process held.</summary>
internal sealed record ImportFigures(int Rows, long FileBytes, double PreviewSeconds, double CommitSeconds, double PeakManagedMb, double PeakWorkingSetMb);

/// <summary>
/// A firm bringing its whole client list in: a CSV as a French spreadsheet saves it (UTF-8 with a byte order mark,
/// semicolons), read from a file as an upload is, previewed and then committed through the app's own
/// <see cref="ClientImport"/>, as staff do on the import page. One client in 25 is already there and is found again
/// by its reference, so the run updates as well as creates.
/// </summary>
internal static class ImportWorkload
{
    public static async Task<ImportFigures> RunAsync(BenchPostgres server, int rows)
    {
        var connectionString = await server.CreateDatabaseAsync("portal_import");
        await using var app = await BenchApp.StartAsync(connectionString, "import", services => services.AddImports().AddClients().AddAudit());
        var firm = await BenchFirm.CreateAsync(app.Services, "import");
        var folder = Directory.CreateTempSubdirectory("portal-bench-import-");
        try
        {
            var existing = rows / 25;
            var whole = Path.Combine(folder.FullName, "clients.csv");
            var head = Path.Combine(folder.FullName, "existing.csv");
            await WriteCsvAsync(whole, rows);
            await WriteCsvAsync(head, existing);
            var mapping = ImportFields.Guess(ImportKind.Clients, Headers(whole));

            // The clients already there, brought in the same way; this also warms up the JIT and EF's query cache.
            var first = await ImportAsync(app.Services, firm, head, mapping, commit: true);
            Check("existing clients", first, created: existing, updated: 0);

            var peak = MemoryPeak.Start();
            var watch = Stopwatch.StartNew();
            var preview = await ImportAsync(app.Services, firm, whole, mapping, commit: false);
            var previewSeconds = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var committed = await ImportAsync(app.Services, firm, whole, mapping, commit: true);
            var commitSeconds = watch.Elapsed.TotalSeconds;
            var (managedMb, workingSetMb) = await peak.StopAsync();

            Check("preview", preview, created: rows - existing, updated: existing);
            Check("commit", committed, created: rows - existing, updated: existing);
            await using (var db = BenchFirm.OpenDb(app.Services, firm))
            {
                var clients = await db.ClientAccounts.CountAsync();
                if (clients != rows)
                    throw new InvalidOperationException($"import: {clients} clients after the commit, not {rows}.");
            }
            Console.WriteLine($"import: {rows} rows ({new FileInfo(whole).Length / 1024} KiB): preview {previewSeconds:F1} s, commit {commitSeconds:F1} s, "
                + $"{rows - existing} created and {existing} updated");
            return new ImportFigures(rows, new FileInfo(whole).Length, previewSeconds, commitSeconds, managedMb, workingSetMb);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<ImportReport> ImportAsync(IServiceProvider services, Guid firm, string path, IReadOnlyDictionary<string, int> mapping, bool commit)
    {
        await using var scope = BenchFirm.StaffScope(services, firm);
        var import = scope.ServiceProvider.GetRequiredService<ClientImport>();
        await using var file = File.OpenRead(path);
        return commit ? await import.CommitAsync(file, mapping) : await import.PreviewAsync(file, mapping);
    }

    private static IReadOnlyList<string> Headers(string path)
    {
        using var file = File.OpenRead(path);
        return CsvImportFile.Headers(file);
    }

    private static void Check(string step, ImportReport report, int created, int updated)
    {
        if ((report.Created, report.Updated, report.Errors) != (created, updated, 0))
            throw new InvalidOperationException($"import {step}: {report.Created} created, {report.Updated} updated, {report.Errors} errors; expected {created}, {updated}, 0.");
    }

    private static async Task WriteCsvAsync(string path, int rows)
    {
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        await writer.WriteLineAsync("Raison sociale;Courriel;Code client;Langue;Devise;Adresse");
        for (var i = 0; i < rows; i++)
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Cabinet n°{i};compta{i}@clients.example;CLI-{i:D6};{(i % 2 == 0 ? "fr" : "en")};EUR;{i} avenue des Champs, 75008 Paris"));
    }
}
