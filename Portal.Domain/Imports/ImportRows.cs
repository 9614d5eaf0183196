using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;

namespace Portal.Domain.Imports;

/// <summary>Why one row of a file is not imported: its row number in the file (the header is row 1), the field, and the rule it broke.</summary>
public sealed record ImportRowError(int Row, string Field, DomainException Error);

/// <summary>A file row read through the mapping: each mapped field's text, trimmed; an empty cell is no value.</summary>
public sealed class MappedRow(int row, IReadOnlyList<string> cells, IReadOnlyDictionary<string, int> mapping)
{
    private readonly List<ImportRowError> _errors = [];

    public int Row => row;
    public IReadOnlyList<string> Cells => cells;
    public IReadOnlyList<ImportRowError> Errors => _errors;
    public bool IsValid => _errors.Count == 0;

    public bool IsMapped(string field) => mapping.ContainsKey(field);

    public string? Text(string field) =>
        mapping.TryGetValue(field, out var index) && index < cells.Count && cells[index].Trim() is { Length: > 0 } text ? text : null;

    /// <summary>The field's value read by <paramref name="read"/>, or default with the rule it broke noted against the field.</summary>
    public T? Read<T>(string field, Func<string, T> read)
    {
        if (Text(field) is not { } text)
            return default;
        try
        {
            return read(text);
        }
        catch (DomainException error)
        {
            Fail(field, error);
            return default;
        }
    }

    public string? Required(string field)
    {
        var text = Text(field);
        if (text is null)
            Fail(field, new DomainException("This field is required."));
        return text;
    }

    public void Fail(string field, DomainException error) => _errors.Add(new ImportRowError(row, field, error));
}

/// <summary>A client as one row of a clients file gives it; only the fields the mapping names are set on an existing client.</summary>
public sealed record ClientImportRow(
    int Row, string Name, string BillingEmail, string? ContactName, string? Language, Currency? Currency, string? CompanyNumber,
    string? Siren, string? Siret, string? VatNumber, string? Address, string? ExternalReference);

/// <summary>An open invoice as rows of an invoices file give it: one row with totals, or one row per line under the same number.</summary>
public sealed record InvoiceImportRow(
    int Row, string Number, string? ClientEmail, string? ClientReference, DateOnly IssueDate, DateOnly DueDate, string? CurrencyCode,
    IReadOnlyList<InvoiceImportLine> Lines, InvoiceImportTotals? Totals, string? PaidText);

public sealed record InvoiceImportLine(string Description, decimal Quantity, string UnitPriceText, int TaxRateBasisPoints);

public sealed record InvoiceImportTotals(string NetText, string? VatText, string? GrossText);

/// <summary>Reads file rows into clients and invoices, field by field, with every rule a row breaks (not just the first).</summary>
public static class ImportRowReader
{
    public static ClientImportRow? Client(MappedRow row)
    {
        var name = row.Required("name");
        if (name is { Length: > 200 })
            row.Fail("name", new DomainException("A client name must have between 1 and 200 characters."));
        var email = row.Required("billing_email") is { } emailText ? Catch(row, "billing_email", () => EmailAddress.Normalize(emailText)) : null;
        var contact = row.Text("contact_name");
        if (contact is { Length: > 200 })
            row.Fail("contact_name", new DomainException("A contact name must have between 1 and 200 characters."));
        var language = row.Read("language", ClientAccount.NormalizeLanguage);
        var currency = row.Read<Currency?>("currency", code => Currency.TryFromCode(code.ToUpperInvariant(), out var c)
            ? c : throw new DomainException($"'{code}' is not a currency Portal supports."));
        var companyNumber = row.Text("company_number");
        if (companyNumber is { Length: > 40 })
            row.Fail("company_number", new DomainException("A company number has at most 40 characters."));
        // A French number (nine or fourteen digits) is also the SIREN or SIRET the client's invoices must carry.
        var digits = companyNumber is null ? "" : new string(companyNumber.Where(c => !char.IsWhiteSpace(c)).ToArray());
        var siren = digits.Length == 9 && digits.All(char.IsAsciiDigit) ? row.Read("company_number", CompanyIdentifiers.NormalizeSiren) : null;
        var siret = digits.Length == 14 && digits.All(char.IsAsciiDigit) ? row.Read("company_number", CompanyIdentifiers.NormalizeSiret) : null;
        var vat = row.Read("vat_number", v => CompanyIdentifiers.NormalizeVatNumber(v));
        var address = row.Text("address");
        if (address is { Length: > 400 })
            row.Fail("address", new DomainException("The address has at most 400 characters."));
        var reference = row.Read("external_reference", ClientAccount.NormalizeExternalReference);
        return row.IsValid
            ? new ClientImportRow(row.Row, name!.Trim(), email!, contact, language, currency, companyNumber, siren, siret, vat, address, reference)
            : null;
    }

    public static InvoiceImportRow? Invoice(MappedRow row)
    {
        var number = row.Required("number");
        if (number is { Length: > Invoices.Invoice.MaxNumberLength })
            row.Fail("number", new DomainException($"An invoice number has 1 to {Invoices.Invoice.MaxNumberLength} characters."));
        var email = row.Read("client_email", EmailAddress.Normalize);
        var reference = row.Read("client_reference", ClientAccount.NormalizeExternalReference);
        if (email is null && reference is null && row.Errors.All(e => e.Field is not ("client_email" or "client_reference")))
            row.Fail(row.IsMapped("client_email") || !row.IsMapped("client_reference") ? "client_email" : "client_reference",
                new DomainException("Give the client's billing email or external reference."));
        var issued = row.Required("issue_date") is not null ? row.Read("issue_date", ImportValues.ParseDate) : default;
        var due = row.Required("due_date") is not null ? row.Read("due_date", ImportValues.ParseDate) : default;
        if (row.IsValid && due < issued)
            row.Fail("due_date", new DomainException("The due date cannot be before the issue date."));
        var currency = row.Read("currency", code => Currency.TryFromCode(code.ToUpperInvariant(), out var c)
            ? c.Code : throw new DomainException($"'{code}' is not a currency Portal supports."));

        var lines = new List<InvoiceImportLine>();
        InvoiceImportTotals? totals = null;
        if (row.Text("unit_price") is { } unitPrice)
        {
            var description = row.Text("description") ?? number ?? "";
            var quantity = row.Text("quantity") is null ? 1m : row.Read("quantity", ImportValues.ParseDecimal);
            var rate = row.Read("vat_rate", ImportValues.ParseRate);
            row.Read("unit_price", ImportValues.ParseDecimal);
            lines.Add(new InvoiceImportLine(description, quantity, unitPrice, rate));
        }
        else if (row.Text("net") is { } net)
        {
            row.Read("net", ImportValues.ParseDecimal);
            row.Read("vat", ImportValues.ParseDecimal);
            row.Read("gross", ImportValues.ParseDecimal);
            totals = new InvoiceImportTotals(net, row.Text("vat"), row.Text("gross"));
        }
        else if (row.Text("gross") is { } gross)
        {
            row.Read("gross", ImportValues.ParseDecimal);
            row.Read("vat", ImportValues.ParseDecimal);
            totals = new InvoiceImportTotals("", row.Text("vat"), gross);
        }
        else
            row.Fail("unit_price", new DomainException("Give either a line (description, quantity, unit price, VAT rate) or the totals (net, VAT, gross)."));
        var paid = row.Text("paid");
        if (paid is not null)
            row.Read("paid", ImportValues.ParseDecimal);
        return row.IsValid
            ? new InvoiceImportRow(row.Row, number!.Trim(), email, reference, issued, due, currency, lines, totals, paid)
            : null;
    }

    /// <summary>
    /// The lines of an invoice given by its totals: one line at the rate the totals imply. Refused when net, VAT and
    /// gross do not add up, or no rate with two decimals gives exactly that VAT on that net.
    /// </summary>
    public static InvoiceLineInput TotalsLine(string description, InvoiceImportTotals totals, Currency currency)
    {
        var vat = totals.VatText is null ? (Money?)null : ImportValues.ParseMoney(totals.VatText, currency);
        var gross = totals.GrossText is null ? (Money?)null : ImportValues.ParseMoney(totals.GrossText, currency);
        var net = totals.NetText.Length > 0 ? ImportValues.ParseMoney(totals.NetText, currency)
            : gross is { } g ? g - (vat ?? Money.Zero(currency)) : Money.Zero(currency);
        vat ??= gross is { } g2 ? g2 - net : Money.Zero(currency);
        if (gross is { } total && net + vat.Value != total)
            throw new DomainException($"The net {net} and the VAT {vat.Value} do not add up to the total {total}.");
        if (!net.IsPositive || vat.Value.Minor < 0)
            throw new DomainException("An invoice's total must be more than zero to be issued.");
        var rate = (int)decimal.Round(vat.Value.Minor * 10_000m / net.Minor, 0, MidpointRounding.AwayFromZero);
        var line = new InvoiceLineInput(description, 1, net.Minor, rate);
        return rate <= 10_000 && InvoiceLine.Preview(1, line).TaxMinor == vat.Value.Minor
            ? line
            : throw new DomainException($"No VAT rate gives {vat.Value} on {net}: import this invoice with its lines.");
    }

    private static T? Catch<T>(MappedRow row, string field, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (DomainException error)
        {
            row.Fail(field, error);
            return default;
        }
    }
}
