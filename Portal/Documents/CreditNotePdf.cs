using PdfSharp.Drawing;
using Portal.Domain;
using Portal.Domain.Invoices;

namespace Portal.Documents;

/// <summary>
/// A credit note (avoir). Portal has three: the one cancelling a voided invoice in full (it repeats the invoice's
/// lines), the one for a payment kept as the client's credit instead of refunded (decision 0015: the invoice
/// is due again, the client's credit grows), and a write-off (what is due drops; net and tax per rate shown).
/// </summary>
public sealed record CreditNotePdfModel(
    DocumentParties Parties,
    string Number,
    DateOnly Date,
    string InvoiceNumber,
    DateOnly InvoiceIssueDate,
    string Reason,
    InvoicePdfModel? CancelledInvoice,
    Money Total)
{
    /// <summary>Set for numbered credit notes; older ones are told apart by whether they cancel an invoice.</summary>
    public CreditNoteKind? Kind { get; init; }
    /// <summary>The net and tax taken back per rate, for a write-off (a voided invoice shows its own lines instead).</summary>
    public IReadOnlyList<TaxRateAmounts> Rates { get; init; } = [];
}

internal static class CreditNotePdf
{
    public static byte[] Compose(CreditNotePdfModel note, DocumentLanguage text)
    {
        var title = $"{text["CreditNote"]} {note.Number}";
        using var canvas = new PdfCanvas(title, DocumentLayout.FooterHeight);
        DocumentLayout.Header(canvas, note.Parties.Seller, note.Parties.Buyer, title, null,
        [
            (text["Number"], note.Number),
            (text["CreditNoteDate"], text.Date(note.Date)),
            (text["Invoice"], note.InvoiceNumber),
        ], text);

        canvas.Y += canvas.Text(text.Format("CreditNoteOn", note.InvoiceNumber, text.Date(note.InvoiceIssueDate)), DocumentLayout.BodyBold, canvas.Left, canvas.Width);
        canvas.Y += canvas.Text($"{text["Reason"]}{(text.IsFrench ? " : " : ": ")}{note.Reason}", DocumentLayout.Body, canvas.Left, canvas.Width) + 10;

        if (note.CancelledInvoice is { } invoice)
        {
            InvoicePdf.Lines(canvas, invoice, text);
            canvas.Y += 10;
            InvoicePdf.TaxSummaryAndTotals(canvas, invoice, text);
        }
        foreach (var rate in note.Rates)
        {
            var percent = $"{rate.TaxRateBasisPoints / 100m:0.##} %";
            DocumentLayout.TotalRow(canvas, $"{text["LineNet"]} ({text["TaxRate"]} {percent})", text.Money(rate.Net));
            DocumentLayout.TotalRow(canvas, $"{text["TaxRate"]} {percent}", text.Money(rate.Tax));
        }
        DocumentLayout.TotalRow(canvas, text["CreditNoteTotal"], text.Money(note.Total), strong: true);
        canvas.Y += 10;
        var explanation = note.Kind == CreditNoteKind.WrittenOff
            ? text.Format("WrittenOffExplained", note.InvoiceNumber)
            : note.CancelledInvoice is null
            ? text.Format("KeptAsCreditExplained", note.InvoiceNumber)
            : text.Format("VoidedInFull", note.InvoiceNumber);
        canvas.EnsureSpace(canvas.TextHeight(explanation, DocumentLayout.Body, canvas.Width));
        canvas.Y += canvas.Text(explanation, DocumentLayout.Body, canvas.Left, canvas.Width, new XSolidBrush(XColors.DimGray)) + 8;
        return canvas.Finish(DocumentLayout.Footer(canvas, note.Parties.Seller, text));
    }
}
