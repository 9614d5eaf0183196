using System.Globalization;
using System.Text;

namespace Portal.Domain.Books;

/// <summary>One line of a journal entry, already in the chart's accounts: debit or credit in minor units, never both.</summary>
public sealed record JournalLine(
    string Account, string AccountName, string? AuxiliaryAccount, string? AuxiliaryName,
    long DebitMinor, long CreditMinor, Currency Currency, string? Lettering, DateOnly? LetteredOn,
    Guid? InvoiceId, Guid? ClientAccountId);

/// <summary>
/// A journal entry: one ledger transaction in one journal, numbered continuously within its journal and month.
/// It balances in its currency, as the ledger transaction it comes from does.
/// </summary>
public sealed record JournalEntry(
    Journal Journal, string JournalCode, string JournalName, string Number, DateOnly Date, string Reference, DateOnly ReferenceDate,
    string Label, DateOnly ValidatedOn, Guid TransactionId, Guid? PaymentId, IReadOnlyList<JournalLine> Lines)
{
    /// <summary>The entry number: journal code, month and a counter that restarts at 1 each month in each journal.</summary>
    public static string NumberOf(string journalCode, AccountingPeriod period, int sequence) =>
        $"{journalCode}{period.Year:D4}{period.Month:D2}-{sequence.ToString("D5", CultureInfo.InvariantCulture)}";

    public bool Balances => Lines.Sum(l => l.DebitMinor) == Lines.Sum(l => l.CreditMinor);
}

/// <summary>
/// The FEC (fichier des écritures comptables, article A47 A-1 of the Livre des procédures fiscales): 18 columns in
/// a fixed order, tab-separated, one header row, dates yyyyMMdd, amounts with a comma and no thousands separator,
/// in the firm's accounting currency, the original amount and currency in Montantdevise / Idevise when it differs.
/// </summary>
public static class Fec
{
    public const char Separator = '\t';
    public const string NewLine = "\r\n";
    public const string AccountingCurrency = "EUR";

    public static readonly IReadOnlyList<string> Columns =
    [
        "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib",
        "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
    ];

    public static string Header => string.Join(Separator, Columns);

    /// <summary>The file name the administration expects: SIREN, "FEC", and the closing date of the exported year.</summary>
    public static string FileName(string siren, DateOnly closingDate) => $"{Siren(siren)}FEC{Date(closingDate)}.txt";

    /// <summary>A SIREN is nine digits whose Luhn check holds; spaces people type are ignored.</summary>
    public static string Siren(string? text)
    {
        var digits = (text ?? "").Replace(" ", "", StringComparison.Ordinal).Trim();
        if (digits.Length != 9 || !digits.All(char.IsAsciiDigit) || !Luhn(digits))
            throw new DomainException($"'{text}' is not a SIREN: nine digits are needed, as on the firm's Kbis.");
        return digits;
    }

    public static string Date(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>An amount in minor units written with a comma, its currency's decimals and no thousands separator: 1234,50.</summary>
    public static string Amount(long minor, Currency currency)
    {
        var exponent = currency.Exponent;
        var negative = minor < 0;
        var digits = (negative ? -(Int128)minor : minor).ToString(CultureInfo.InvariantCulture);
        if (exponent > 0)
        {
            digits = digits.PadLeft(exponent + 1, '0');
            digits = digits[..^exponent] + "," + digits[^exponent..];
        }
        return negative ? "-" + digits : digits;
    }

    /// <summary>Free text made safe for a tab-separated line: no separator, no line break.</summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
            text.Append(c is '\t' or '\r' or '\n' or '|' ? ' ' : c);
        return text.ToString().Trim();
    }

    /// <summary>
    /// The FEC lines of one entry. Amounts in EUR go in Debit/Credit; an entry in another currency keeps its own
    /// amounts there too (the ledger holds no exchange rate) and names them in Montantdevise/Idevise, signed like
    /// the line (positive debit, negative credit), so the accountant converts them at the rate of the day.
    /// </summary>
    public static IEnumerable<string[]> Lines(JournalEntry entry)
    {
        foreach (var line in entry.Lines)
        {
            var foreign = line.Currency.Code != AccountingCurrency;
            yield return
            [
                Text(entry.JournalCode), Text(entry.JournalName), Text(entry.Number), Date(entry.Date),
                Text(line.Account), Text(line.AccountName), Text(line.AuxiliaryAccount), Text(line.AuxiliaryName),
                Text(entry.Reference), Date(entry.ReferenceDate), Text(entry.Label),
                Amount(line.DebitMinor, line.Currency), Amount(line.CreditMinor, line.Currency),
                Text(line.Lettering), line.LetteredOn is { } on ? Date(on) : "", Date(entry.ValidatedOn),
                foreign ? Amount(line.DebitMinor - line.CreditMinor, line.Currency) : "", foreign ? line.Currency.Code : "",
            ];
        }
    }

    private static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
        }
        return sum % 10 == 0;
    }
}
