using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Imports;

namespace Portal.Imports;

/// <summary>
/// Brings a firm's open invoices in from a CSV file: one row per invoice with its totals, or one row per line with the
/// invoice's number repeated on consecutive rows. Each becomes an issued invoice under its old number, with the part
/// already paid recorded (<see cref="ImportedInvoices"/>, decision 0028). The client is found by external reference or
/// billing email among the firm's clients; a number already in Portal, or repeated further down the file, is an
/// error, never a second invoice. Batched and all-or-nothing as <see cref="ClientImport"/> is.
/// </summary>
public sealed class InvoiceImport(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, AuditRecorder audit)
{
    public const int BatchSize = 500;
    public const string ImportedAction = "Invoices imported";

    public Task<ImportReport> PreviewAsync(Stream file, IReadOnlyDictionary<string, int> mapping, CancellationToken cancellationToken = default) =>
        RunAsync(file, mapping, write: false, null, cancellationToken);

    public Task<ImportReport> CommitAsync(Stream file, IReadOnlyDictionary<string, int> mapping, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        RunAsync(file, mapping, write: true, progress, cancellationToken);

    private sealed record Group(string Number, List<(int Row, string[] Cells)> Rows);

    private async Task<ImportReport> RunAsync(Stream file, IReadOnlyDictionary<string, int> mapping, bool write, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ImportMappings.EnsureComplete(ImportKind.Invoices, mapping);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firmId = db.Tenant.FirmId ?? throw new DomainException("Only firm staff can add clients.");
        var firm = await db.Firms.AsNoTracking().SingleAsync(f => f.Id == firmId, cancellationToken);
        var report = new ImportReport(ImportKind.Invoices, CsvImportFile.Headers(file));
        await using var transaction = write ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var now = clock.GetUtcNow();
        var firstRowOfNumber = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var done = 0;
        foreach (var batch in Groups(CsvImportFile.Rows(file).Skip(1), mapping).Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = batch.Select(g => (Group: g, Rows: g.Rows.Select(r => (r.Row, r.Cells, Mapped: new MappedRow(r.Row, r.Cells, mapping))).Select(r => (r.Row, r.Cells, r.Mapped, Read: ImportRowReader.Invoice(r.Mapped))).ToList())).ToList();
            var valid = read.Where(g => g.Rows.All(r => r.Read is not null)).Select(g => g.Rows[0].Read!).ToList();
            var numbers = valid.Select(r => r.Number).Distinct().ToList();
            var emails = valid.Where(r => r.ClientEmail is not null).Select(r => r.ClientEmail!).Distinct().ToList();
            var references = valid.Where(r => r.ClientReference is not null).Select(r => r.ClientReference!).Distinct().ToList();
            var taken = (await db.Invoices.Where(i => i.Number != null && numbers.Contains(i.Number)).Select(i => i.Number!).ToListAsync(cancellationToken))
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            var clients = await db.ClientAccounts
                .Where(c => emails.Contains(c.BillingEmail) || (c.ExternalReference != null && references.Contains(c.ExternalReference)))
                .ToListAsync(cancellationToken);

            foreach (var (group, rows) in read)
            {
                var label = group.Number;
                if (rows.Any(r => r.Read is null))
                {
                    foreach (var (row, cells, mapped, _) in rows)
                        report.Reject(row, cells, mapped.Errors.Count > 0 ? mapped.Errors
                            : [new ImportRowError(row, "", new DomainException("Another row of this invoice has an error."))], label);
                    continue;
                }
                var first = rows[0];
                try
                {
                    var number = first.Read!.Number;
                    if (firstRowOfNumber.TryGetValue(number, out var earlier))
                        throw new FieldError("number", new DomainException($"This row repeats invoice {number} of row {earlier}: the lines of an invoice follow each other."));
                    firstRowOfNumber[number] = first.Row;
                    if (taken.Contains(number))
                        throw new FieldError("number", new DomainException($"Invoice {number} is already in Portal."));
                    var client = FindClient(clients, first.Read);
                    label = $"{number} · {client.Name}";
                    var imported = ImportedInvoices.Book(firm, client, rows.Select(r => r.Read!).ToList(), now);
                    if (write)
                    {
                        db.Invoices.Add(imported.Invoice);
                        db.LedgerTransactions.Add(imported.Issued);
                        if (imported.AlreadyPaid is { } paid)
                        {
                            db.Payments.Add(paid.Payment);
                            db.LedgerTransactions.Add(paid.Transaction);
                        }
                    }
                    report.Add(new ImportRowOutcome(first.Row, ImportAction.Create, label, []));
                }
                catch (FieldError error)
                {
                    report.Reject(first.Row, first.Cells, error.Field, error.Error, label);
                    foreach (var (row, cells, _, _) in rows.Skip(1))
                        report.Reject(row, cells, error.Field, error.Error, label);
                }
                catch (DomainException error)
                {
                    foreach (var (row, cells, _, _) in rows)
                        report.Reject(row, cells, "", error, label);
                }
            }
            if (write)
                await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            done += batch.Sum(g => g.Rows.Count);
            progress?.Report(done);
        }
        if (write)
        {
            var mappingRow = await ImportMappings.RememberAsync(db, firmId, ImportKind.Invoices, mapping, report.Headers, now, cancellationToken);
            audit.Record(db, ImportedAction, "Import", mappingRow.Id, null, $"{report.Created} created, {report.Errors} rows rejected");
            await db.SaveChangesAsync(cancellationToken);
            await transaction!.CommitAsync(cancellationToken);
            report.Committed = true;
        }
        return report;
    }

    /// <summary>The client by external reference, else by billing email when exactly one client has it.</summary>
    private static ClientAccount FindClient(List<ClientAccount> clients, InvoiceImportRow row)
    {
        if (row.ClientReference is { } reference)
            return clients.SingleOrDefault(c => c.ExternalReference == reference)
                ?? throw new FieldError("client_reference", new DomainException($"No client has the external reference {reference}."));
        var byEmail = clients.Where(c => c.BillingEmail == row.ClientEmail).ToList();
        return byEmail.Count switch
        {
            1 => byEmail[0],
            0 => throw new FieldError("client_email", new DomainException($"No client has the billing email {row.ClientEmail}.")),
            _ => throw new FieldError("client_email", new DomainException($"Several clients have the billing email {row.ClientEmail}: add the external reference column to say which one.")),
        };
    }

    /// <summary>Consecutive rows with the same number are the lines of one invoice.</summary>
    private static IEnumerable<Group> Groups(IEnumerable<(int Row, string[] Cells)> rows, IReadOnlyDictionary<string, int> mapping)
    {
        Group? current = null;
        foreach (var row in rows)
        {
            var number = new MappedRow(row.Row, row.Cells, mapping).Text("number") ?? "";
            if (current is not null && number.Length > 0 && string.Equals(current.Number, number, StringComparison.OrdinalIgnoreCase))
            {
                current.Rows.Add(row);
                continue;
            }
            if (current is not null)
                yield return current;
            current = new Group(number, [row]);
        }
        if (current is not null)
            yield return current;
    }

    /// <summary>A rule broken by one field of the invoice's first row.</summary>
    private sealed class FieldError(string fieldKey, DomainException error) : Exception(error.Message)
    {
        public string Field => fieldKey;
        public DomainException Error => error;
    }
}
