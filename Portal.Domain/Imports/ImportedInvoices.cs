using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Domain.Wallets;

namespace Portal.Domain.Imports;

/// <summary>An invoice brought in from the firm's previous tool, with what books it: its issue, and the part already paid if any.</summary>
public sealed record ImportedInvoice(Invoice Invoice, LedgerTransaction Issued, BookedPayment? AlreadyPaid);

/// <summary>
/// Turns the rows of one open invoice into a real issued invoice (decision 0028): it keeps the previous tool's number,
/// is booked as any issued invoice (receivable +T · revenue −N · tax −V), and the part the client already paid is a
/// bank transfer recorded against it (bank +P · receivable −P), so what is due, the client's balance and the ledger
/// agree, and the client pays the rest in Portal.
/// </summary>
public static class ImportedInvoices
{
    public const string AlreadyPaidReference = "Paid before import";

    public static ImportedInvoice Book(Firm firm, ClientAccount client, IReadOnlyList<InvoiceImportRow> rows, DateTimeOffset now)
    {
        var first = rows[0];
        var currency = first.CurrencyCode is { } code ? Currency.FromCode(code) : client.Currency;
        var invoice = new Invoice(client, currency, first.IssueDate, first.DueDate, now);
        invoice.ReplaceLines(rows.SelectMany(r => Lines(r, currency)).ToList());
        invoice.IssueImported(firm, client, first.Number, now);
        var issued = LedgerTransaction.Create(invoice.FirmId, LedgerTransactionKind.InvoiceIssued, now, $"invoice-imported:{invoice.Id:N}",
            InvoiceBooking.IssueFingerprint(invoice.Id), $"Invoice {invoice.Number} imported", PostingRules.InvoiceIssued(invoice));

        var paidText = rows.Select(r => r.PaidText).FirstOrDefault(p => p is not null);
        var paid = paidText is null ? Money.Zero(currency) : ImportValues.ParseMoney(paidText, currency);
        if (paid.Minor < 0)
            throw new DomainException("The amount already paid cannot be negative.");
        if (paid >= invoice.Total)
            throw new DomainException($"{invoice.Number} is paid in full ({paid} of {invoice.Total}): only open invoices are imported.");
        if (paid.IsZero)
            return new ImportedInvoice(invoice, issued, null);
        // The money arrived before Portal knew the invoice; nothing of it lands in the wallet, so the wallet is only checked, never changed.
        var booked = ManualPayments.Record(client, PaymentMethod.BankTransfer, AllocationPlan.Explicit([new InvoicePayment(invoice, paid)]),
            new Wallet(client, currency), AlreadyPaidReference, $"invoice-imported-paid:{invoice.Id:N}", now);
        return new ImportedInvoice(invoice, issued, booked);
    }

    private static IEnumerable<InvoiceLineInput> Lines(InvoiceImportRow row, Currency currency)
    {
        foreach (var line in row.Lines)
            yield return new InvoiceLineInput(line.Description, line.Quantity, ImportValues.ParseMoney(line.UnitPriceText, currency).Minor, line.TaxRateBasisPoints);
        if (row.Totals is { } totals)
            yield return ImportRowReader.TotalsLine($"Invoice {row.Number}", totals, currency);
    }
}
