using System.Globalization;
using System.Text;
using CsvHelper;
using Portal.Domain;
using Portal.Domain.Books;

namespace Portal.Books;

/// <summary>The CSV layouts: ours, and the journal import layouts of two French accounting packages (columns in the README).</summary>
public enum CsvLayout { Generic, Sage, Ebp }

/// <summary>
/// Writes journal entries to a stream as they are read: the FEC, or a CSV layout. Nothing is held but the entry
/// being written, so a year of entries costs the memory of one.
/// </summary>
public static class BooksExports
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static async Task<long> WriteFecAsync(IAsyncEnumerable<JournalEntry> entries, Stream output, CancellationToken cancellationToken = default)
    {
        await using var writer = new StreamWriter(output, Utf8, bufferSize: 1 << 16, leaveOpen: true) { NewLine = Fec.NewLine };
        await writer.WriteLineAsync(Fec.Header);
        long lines = 0;
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            if (!entry.Balances)
                throw new InvalidOperationException($"Entry {entry.Number} does not balance; the ledger refuses such transactions, so this is a bug.");
            foreach (var line in Fec.Lines(entry))
            {
                for (var i = 0; i < line.Length; i++)
                {
                    if (i > 0)
                        writer.Write(Fec.Separator);
                    writer.Write(line[i]);
                }
                writer.Write(Fec.NewLine);
                lines++;
            }
        }
        await writer.FlushAsync(cancellationToken);
        return lines;
    }

    public static async Task WriteCsvAsync(IAsyncEnumerable<JournalEntry> entries, CsvLayout layout, Stream output, CancellationToken cancellationToken = default)
    {
        var french = layout != CsvLayout.Generic;
        // The library's own formula guard: text cells starting with = + - @, tab or CR get a leading apostrophe.
        // Excel opens a UTF-8 CSV correctly only with the byte order mark; the French packages read it too.
        var options = new CsvWriterOptions { Separator = french ? ';' : ',', Injection = CsvInjection.Escape, WriteByteOrderMark = true };
        await using var csv = CsvWriter.Create(output, options, leaveOpen: true);
        await csv.WriteRecordAsync([.. Headers(layout)], cancellationToken);
        await foreach (var entry in entries.WithCancellation(cancellationToken))
            foreach (var line in entry.Lines)
                await csv.WriteRecordAsync(Row(layout, entry, line), cancellationToken);
        await csv.FlushAsync(cancellationToken);
    }

    public static IReadOnlyList<string> Headers(CsvLayout layout) => layout switch
    {
        CsvLayout.Generic => ["journal", "journal_name", "entry_number", "date", "account", "account_name", "auxiliary_account", "auxiliary_name",
            "reference", "reference_date", "label", "debit", "credit", "currency", "lettering", "lettered_on"],
        CsvLayout.Sage => ["Code journal", "Date de pièce", "N° de compte général", "N° de compte tiers", "N° de pièce", "Libellé écriture",
            "Débit", "Crédit", "Lettrage", "Devise"],
        CsvLayout.Ebp => ["Date", "Code journal", "N° de compte", "N° de pièce", "Libellé", "Débit", "Crédit", "Échéance", "Lettrage"],
    };

    // Every cell is text to the writer, so every one passes the formula guard; debit and credit are never negative,
    // so no amount is mistaken for a formula.
    private static string[] Row(CsvLayout layout, JournalEntry entry, JournalLine line) => layout switch
    {
        CsvLayout.Generic =>
        [
            entry.JournalCode, entry.JournalName, entry.Number, entry.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            line.Account, line.AccountName, line.AuxiliaryAccount ?? "", line.AuxiliaryName ?? "",
            entry.Reference, entry.ReferenceDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), entry.Label,
            Decimal(line.DebitMinor, line.Currency, '.'), Decimal(line.CreditMinor, line.Currency, '.'), line.Currency.Code,
            line.Lettering ?? "", line.LetteredOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
        ],
        CsvLayout.Sage =>
        [
            entry.JournalCode, entry.Date.ToString("ddMMyy", CultureInfo.InvariantCulture), line.Account, line.AuxiliaryAccount ?? "",
            entry.Reference, entry.Label,
            Decimal(line.DebitMinor, line.Currency, ','), Decimal(line.CreditMinor, line.Currency, ','), line.Lettering ?? "", line.Currency.Code,
        ],
        CsvLayout.Ebp =>
        [
            entry.Date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), entry.JournalCode, line.AuxiliaryAccount ?? line.Account,
            entry.Number, entry.Label,
            Decimal(line.DebitMinor, line.Currency, ','), Decimal(line.CreditMinor, line.Currency, ','), "", line.Lettering ?? "",
        ],
    };

    private static string Decimal(long minor, Currency currency, char separator) =>
        separator == ',' ? Fec.Amount(minor, currency) : Fec.Amount(minor, currency).Replace(',', '.');
}
