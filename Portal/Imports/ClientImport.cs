using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Imports;

namespace Portal.Imports;

/// <summary>
/// Brings a firm's clients in from a CSV file. A row is a new client, or an update of the mapped fields of the client
/// it matches in the firm (by external reference first, then by billing email), or an error with its reason; a row
/// repeating an earlier row's email or reference is an error, so nobody is created twice. The file is read in
/// batches of <see cref="BatchSize"/> rows, each batch's clients looked up in one query and let go once saved, so
/// a long file never sits in memory as entities. The commit is one database transaction: all of it or nothing.
/// </summary>
public sealed class ClientImport(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, AuditRecorder audit)
{
    public const int BatchSize = 1000;
    public const string ImportedAction = "Clients imported";

    public Task<ImportReport> PreviewAsync(Stream file, IReadOnlyDictionary<string, int> mapping, CancellationToken cancellationToken = default) =>
        RunAsync(file, mapping, write: false, null, cancellationToken);

    /// <summary>Writes what the preview showed, in one transaction; <paramref name="progress"/> hears the number of rows done after each batch.</summary>
    public Task<ImportReport> CommitAsync(Stream file, IReadOnlyDictionary<string, int> mapping, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        RunAsync(file, mapping, write: true, progress, cancellationToken);

    private async Task<ImportReport> RunAsync(Stream file, IReadOnlyDictionary<string, int> mapping, bool write, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ImportMappings.EnsureComplete(ImportKind.Clients, mapping);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firmId = db.Tenant.FirmId ?? throw new DomainException("Only firm staff can add clients.");
        var firm = await db.Firms.AsNoTracking().SingleAsync(f => f.Id == firmId, cancellationToken);
        var report = new ImportReport(ImportKind.Clients, CsvImportFile.Headers(file));
        await using var transaction = write ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var now = clock.GetUtcNow();
        var firstRowOfEmail = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstRowOfReference = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstRowOfClient = new Dictionary<Guid, int>();
        var done = 0;
        foreach (var batch in CsvImportFile.Rows(file).Skip(1).Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = batch.Select(r =>
            {
                var mapped = new MappedRow(r.Row, r.Cells, mapping);
                return (r.Row, r.Cells, Read: ImportRowReader.Client(mapped), Mapped: mapped);
            }).ToList();
            var emails = rows.Where(r => r.Read is not null).Select(r => r.Read!.BillingEmail).Distinct().ToList();
            var references = rows.Where(r => r.Read?.ExternalReference is not null).Select(r => r.Read!.ExternalReference!).Distinct().ToList();
            var existing = await db.ClientAccounts.Include(c => c.Contacts)
                .Where(c => emails.Contains(c.BillingEmail) || (c.ExternalReference != null && references.Contains(c.ExternalReference)))
                .ToListAsync(cancellationToken);
            var existingIds = existing.Select(c => c.Id).ToList();
            var withInvoices = mapping.ContainsKey("currency") && existingIds.Count > 0
                ? (await db.Invoices.Where(i => existingIds.Contains(i.ClientAccountId)).Select(i => i.ClientAccountId).Distinct().ToListAsync(cancellationToken)).ToHashSet()
                : [];

            foreach (var (rowNumber, cells, read, mapped) in rows)
            {
                if (read is null)
                {
                    report.Reject(rowNumber, cells, mapped.Errors, mapped.Text("name") ?? "");
                    continue;
                }
                if (firstRowOfEmail.TryGetValue(read.BillingEmail, out var earlier)
                    || (read.ExternalReference is not null && firstRowOfReference.TryGetValue(read.ExternalReference, out earlier)))
                {
                    var field = firstRowOfEmail.ContainsKey(read.BillingEmail) ? "billing_email" : "external_reference";
                    report.Reject(rowNumber, cells, field, new DomainException($"This row repeats row {earlier}: a client is imported once per file."), read.Name);
                    continue;
                }
                firstRowOfEmail[read.BillingEmail] = rowNumber;
                if (read.ExternalReference is not null)
                    firstRowOfReference[read.ExternalReference] = rowNumber;
                try
                {
                    var (action, client) = Apply(db, firm.Id, firm.DefaultCurrency, read, existing, withInvoices, firstRowOfClient, rowNumber, now);
                    firstRowOfClient[client.Id] = rowNumber;
                    report.Add(new ImportRowOutcome(rowNumber, action, read.Name, []));
                }
                catch (DomainException error)
                {
                    report.Reject(rowNumber, cells, "", error, read.Name);
                }
            }
            if (write)
                await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            done += batch.Length;
            progress?.Report(done);
        }
        if (write)
        {
            var mappingRow = await ImportMappings.RememberAsync(db, firmId, ImportKind.Clients, mapping, report.Headers, now, cancellationToken);
            audit.Record(db, ImportedAction, "Import", mappingRow.Id, null, $"{report.Created} created, {report.Updated} updated, {report.Errors} rejected");
            await db.SaveChangesAsync(cancellationToken);
            await transaction!.CommitAsync(cancellationToken);
            report.Committed = true;
        }
        return report;
    }

    /// <summary>
    /// Creates the client or updates the one it matches. Everything that could refuse the row is checked on a scratch
    /// client first, so a refused row leaves the tracked client exactly as it was.
    /// </summary>
    private static (ImportAction Action, ClientAccount Client) Apply(PortalDbContext db, Guid firmId, Currency firmCurrency, ClientImportRow row,
        List<ClientAccount> existing, HashSet<Guid> withInvoices, Dictionary<Guid, int> firstRowOfClient, int rowNumber, DateTimeOffset now)
    {
        var byReference = row.ExternalReference is null ? null : existing.SingleOrDefault(c => c.ExternalReference == row.ExternalReference);
        var byEmail = existing.Where(c => c.BillingEmail == row.BillingEmail).ToList();
        if (byReference is null && byEmail.Count > 1)
            throw new DomainException($"Several clients have the billing email {row.BillingEmail}: add the external reference column to say which one.");
        var target = byReference ?? byEmail.SingleOrDefault();
        if (target is not null && byReference is null && row.ExternalReference is not null && target.ExternalReference is not null)
            throw new DomainException($"The client with the billing email {row.BillingEmail} has the external reference {target.ExternalReference}, not {row.ExternalReference}.");
        // Two rows of one file reaching the same client (one by reference, one by email) would update it twice.
        if (target is not null && firstRowOfClient.TryGetValue(target.Id, out var earlier) && earlier != rowNumber)
            throw new DomainException($"This row repeats row {earlier}: a client is imported once per file.");

        var currency = row.Currency ?? target?.Currency ?? firmCurrency;
        if (target is not null && currency != target.Currency && withInvoices.Contains(target.Id))
            throw new DomainException("The currency of a client with invoices cannot change.");
        var legal = target?.LegalDetails ?? ClientLegalDetails.None;
        if (row.Siren is not null || row.Siret is not null)
            legal = legal with { Siren = row.Siren ?? row.Siret![..9], Siret = row.Siret };
        if (row.VatNumber is not null)
            legal = legal with { VatNumber = row.VatNumber };
        if (row.Address is not null)
            legal = legal with { Address = row.Address };
        var scratch = new ClientAccount(firmId, row.Name, row.BillingEmail, currency, now);
        scratch.SetLegalDetails(legal);

        var client = target ?? scratch;
        client.Update(row.Name, row.BillingEmail, currency, row.CompanyNumber ?? target?.CompanyNumber);
        client.SetLegalDetails(legal);
        if (row.Language is not null)
            client.SetLanguage(row.Language);
        if (row.ExternalReference is not null)
            client.SetExternalReference(row.ExternalReference);
        if (row.ContactName is { } contactName && client.Contacts.All(c => c.Email != row.BillingEmail))
            client.AddContact(contactName, row.BillingEmail);
        if (target is not null)
            return (ImportAction.Update, client);
        db.ClientAccounts.Add(client);
        return (ImportAction.Create, client);
    }
}
