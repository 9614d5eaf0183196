using PdfSharp.Drawing;
using Portal.Domain;
using Portal.Domain.Payments;

namespace Portal.Documents;

/// <summary>A receipt for money the firm received: how, when, how much, and where it went (invoices, credit kept).</summary>
public sealed record ReceiptPdfModel(
    DocumentParties Parties,
    string Number,
    DateOnly ReceivedOn,
    PaymentMethod Method,
    string? Reference,
    Money Amount,
    IReadOnlyList<(string InvoiceNumber, Money Amount)> Invoices,
    Money KeptAsCredit,
    Money Refunded);

internal static class ReceiptPdf
{
    public static byte[] Compose(ReceiptPdfModel receipt, DocumentLanguage text)
    {
        var title = $"{text["Receipt"]} {receipt.Number}";
        using var canvas = new PdfCanvas(title, DocumentLayout.FooterHeight);
        var meta = new List<(string, string)>
        {
            (text["ReceiptNumber"], receipt.Number),
            (text["PaymentMethod"], text[$"Method_{receipt.Method}"]),
        };
        if (receipt.Reference is { } reference)
            meta.Add((text["Reference"], reference));
        DocumentLayout.Header(canvas, receipt.Parties.Seller, receipt.Parties.Buyer, title, null, meta, text);

        canvas.Y += canvas.Text(text.Format("ReceivedOn", text.Date(receipt.ReceivedOn)), DocumentLayout.BodyBold, canvas.Left, canvas.Width) + 8;
        DocumentLayout.TotalRow(canvas, text["AmountReceived"], text.Money(receipt.Amount), strong: true);
        canvas.Y += 6;
        canvas.Y += canvas.Text(text["AppliedTo"], DocumentLayout.BodyBold, canvas.Left, canvas.Width) + 2;
        var rule = new XPen(XColors.LightGray, 0.5);
        foreach (var (number, amount) in receipt.Invoices)
            Row(canvas, text.Format("InvoiceRef", number), text.Money(amount), rule);
        if (receipt.KeptAsCredit.IsPositive)
            Row(canvas, text["CreditKept"], text.Money(receipt.KeptAsCredit), rule);
        if (receipt.Refunded.IsPositive)
            Row(canvas, text["Refunded"], text.Money(receipt.Refunded), rule);
        canvas.Y += 14;
        canvas.Text(text["ThankYou"], DocumentLayout.Body, canvas.Left, canvas.Width);
        return canvas.Finish(DocumentLayout.Footer(canvas, receipt.Parties.Seller, text));
    }

    private static void Row(PdfCanvas canvas, string label, string amount, XPen rule)
    {
        var height = PdfCanvas.LineHeight(DocumentLayout.Body) + 6;
        canvas.EnsureSpace(height);
        canvas.Text(label, DocumentLayout.Body, canvas.Left, canvas.Width * 0.7, y: canvas.Y + 3);
        canvas.Text(amount, DocumentLayout.Body, canvas.Left + canvas.Width * 0.7, canvas.Width * 0.3, align: XStringAlignment.Far, y: canvas.Y + 3);
        canvas.Y += height;
        canvas.Graphics.DrawLine(rule, canvas.Left, canvas.Y, canvas.Right, canvas.Y);
    }
}
