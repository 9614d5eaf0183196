using PdfSharp.Drawing;
using Portal.Domain;
using Portal.Domain.Payments;

namespace Portal.Documents;

/// <summary>
/// A deposit invoice (facture d'acompte): money received before the work is invoiced, split into net and the VAT it
/// carries at the deposit rate (docs/decisions/0027). Its amounts never change, so it shows no "due" figure.
/// </summary>
public sealed record DepositInvoicePdfModel(
    DocumentParties Parties,
    string Number,
    DateOnly Date,
    PaymentMethod Method,
    int TaxRateBasisPoints,
    Money Net,
    Money Tax,
    Money Total);

internal static class DepositInvoicePdf
{
    public static byte[] Compose(DepositInvoicePdfModel deposit, DocumentLanguage text)
    {
        var title = $"{text["DepositInvoice"]} {deposit.Number}";
        using var canvas = new PdfCanvas(title, DocumentLayout.FooterHeight);
        DocumentLayout.Header(canvas, deposit.Parties.Seller, deposit.Parties.Buyer, title, null,
        [
            (text["Number"], deposit.Number),
            (text["IssueDate"], text.Date(deposit.Date)),
            (text["PaymentMethod"], text[$"Method_{deposit.Method}"]),
        ], text);

        canvas.Y += canvas.Text(text.Format("DepositReceivedOn", text.Date(deposit.Date)), DocumentLayout.BodyBold, canvas.Left, canvas.Width) + 8;
        double[] widths = [canvas.Width * 0.52, canvas.Width * 0.12, canvas.Width * 0.18, canvas.Width * 0.18];
        DocumentLayout.BeginTable(canvas, deposit.Parties.Seller, [text["Description"], text["TaxRate"], text["LineNet"], text["TaxAmount"]], widths, textColumns: 1);
        DocumentLayout.TableRow(canvas, [text["DepositLine"], text.Rate(deposit.TaxRateBasisPoints), text.Money(deposit.Net), text.Money(deposit.Tax)],
            widths, textColumns: 1, wrapping: 0);
        DocumentLayout.EndTable(canvas);
        canvas.Y += 10;
        DocumentLayout.TotalRow(canvas, text["Subtotal"], text.Money(deposit.Net));
        DocumentLayout.TotalRow(canvas, $"{text["TaxAmount"]} {text.Rate(deposit.TaxRateBasisPoints)}", text.Money(deposit.Tax));
        DocumentLayout.TotalRow(canvas, text["DepositTotal"], text.Money(deposit.Total), strong: true);
        canvas.Y += 10;
        var explanation = text["DepositExplained"];
        canvas.EnsureSpace(canvas.TextHeight(explanation, DocumentLayout.Body, canvas.Width));
        canvas.Y += canvas.Text(explanation, DocumentLayout.Body, canvas.Left, canvas.Width, new XSolidBrush(XColors.DimGray)) + 8;
        return canvas.Finish(DocumentLayout.Footer(canvas, deposit.Parties.Seller, text));
    }
}
