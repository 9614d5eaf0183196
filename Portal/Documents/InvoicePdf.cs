using PdfSharp.Drawing;
using Portal.Domain;
using Portal.Domain.Invoices;
using QRCoder;

namespace Portal.Documents;

/// <summary>Everything an invoice PDF shows. Amounts paid and due change over time: <see cref="AsOf"/> says when they were read.</summary>
public sealed record InvoicePdfModel(
    DocumentParties Parties,
    string? Number,
    InvoiceStatus Status,
    Currency Currency,
    DateOnly IssueDate,
    DateOnly DueDate,
    string? Reference,
    string? Notes,
    IReadOnlyList<InvoiceLine> Lines,
    Money Paid,
    Money Credited,
    Money AmountDue,
    DateOnly AsOf,
    Uri? PayUrl)
{
    /// <summary>The period the invoice bills, both days included (a subscription's invoice); null for none.</summary>
    public (DateOnly Start, DateOnly End)? Period { get; init; }

    /// <summary>Deposits whose credit paid part of the invoice, each with its number, net and VAT (decision 0027).</summary>
    public IReadOnlyList<DepositDeduction> Deposits { get; init; } = [];

    public static InvoicePdfModel Of(Invoice invoice, DocumentParties parties, DateOnly asOf, Uri? payUrl) => new(
        parties, invoice.Number, invoice.Status, invoice.Currency, invoice.IssueDate, invoice.DueDate, invoice.Reference, invoice.Notes,
        invoice.Lines, invoice.Paid, invoice.Credited, invoice.AmountDue, asOf, payUrl)
    {
        Period = invoice.PeriodStart is { } start && invoice.PeriodEnd is { } end ? (start, end) : null,
    };

    /// <summary>The EPC (SEPA transfer) payload, when the firm has an IBAN, the invoice is in EUR and something is due.</summary>
    public string? EpcPayload => Status is InvoiceStatus.Open or InvoiceStatus.PartiallyPaid && Number is not null
        ? Documents.EpcPayload.For(Parties.Seller.Legal.LegalName ?? Parties.Seller.Name, Parties.Seller.Legal.Iban, Parties.Seller.Legal.Bic, AmountDue, Number)
        : null;
}

/// <summary>Lays out an invoice: header, lines with page breaks, VAT per rate, totals, what is due, how to pay, the French mentions.</summary>
internal static class InvoicePdf
{
    private static readonly XFont Link = PdfCanvas.Font(11, bold: true);

    public static byte[] Compose(InvoicePdfModel invoice, DocumentLanguage text)
    {
        var seller = invoice.Parties.Seller;
        var title = invoice.Number is null ? text["DraftInvoice"] : $"{text["Invoice"]} {invoice.Number}";
        using var canvas = new PdfCanvas(title, DocumentLayout.FooterHeight);
        var stamp = invoice.Status switch
        {
            InvoiceStatus.Draft => text["DraftStamp"],
            InvoiceStatus.Void => text["VoidStamp"],
            InvoiceStatus.Paid => text["PaidStamp"],
            InvoiceStatus.Open or InvoiceStatus.PartiallyPaid => null,
        };
        var meta = new List<(string, string)>
        {
            (text["Number"], invoice.Number ?? "—"),
            (text["IssueDate"], text.Date(invoice.IssueDate)),
            (text["DueDate"], text.Date(invoice.DueDate)),
        };
        if (invoice.Period is var (start, end))
            meta.Add((text["Period"], $"{text.Date(start)} – {text.Date(end)}"));
        if (invoice.Reference is { } reference)
            meta.Add((text["Reference"], reference));
        DocumentLayout.Header(canvas, seller, invoice.Parties.Buyer, title, stamp, meta, text);

        Lines(canvas, invoice, text);
        canvas.Y += 10;
        TaxSummaryAndTotals(canvas, invoice, text);
        PayBox(canvas, invoice, text);
        if (invoice.Notes is { } notes)
        {
            canvas.EnsureSpace(30);
            canvas.Y += canvas.Text(text["Notes"], DocumentLayout.BodyBold, canvas.Left, canvas.Width);
            var height = canvas.TextHeight(notes, DocumentLayout.Body, canvas.Width);
            canvas.EnsureSpace(height);
            canvas.Y += canvas.Text(notes, DocumentLayout.Body, canvas.Left, canvas.Width) + 8;
        }
        Mentions(canvas, invoice.Parties, text);
        return canvas.Finish(DocumentLayout.Footer(canvas, seller, text));
    }

    internal static void Lines(PdfCanvas canvas, InvoicePdfModel invoice, DocumentLanguage text)
    {
        // Description, quantity, unit price, VAT rate, net amount.
        double[] widths = [canvas.Width * 0.46, canvas.Width * 0.09, canvas.Width * 0.17, canvas.Width * 0.10, canvas.Width * 0.18];
        DocumentLayout.BeginTable(canvas, invoice.Parties.Seller, [text["Description"], text["Quantity"], text["UnitPrice"], text["TaxRate"], text["LineNet"]], widths, textColumns: 1);
        foreach (var line in invoice.Lines)
            DocumentLayout.TableRow(canvas,
            [
                line.Description,
                text.Quantity(line.Quantity),
                text.Money(new Money(line.UnitPriceMinor, invoice.Currency)),
                text.Rate(line.TaxRateBasisPoints),
                text.Money(new Money(line.NetMinor, invoice.Currency)),
            ], widths, textColumns: 1, wrapping: 0);
        DocumentLayout.EndTable(canvas);
    }

    internal static void TaxSummaryAndTotals(PdfCanvas canvas, InvoicePdfModel invoice, DocumentLanguage text)
    {
        var rates = invoice.Lines.GroupBy(l => l.TaxRateBasisPoints).OrderBy(g => g.Key)
            .Select(g => (Rate: g.Key, Base: new Money(g.Sum(l => l.NetMinor), invoice.Currency), Tax: new Money(g.Sum(l => l.TaxMinor), invoice.Currency)))
            .ToList();
        var summaryHeight = (rates.Count + 2) * PdfCanvas.LineHeight(DocumentLayout.Body) + 8;
        // The totals sit beside the summary, starting at the same height: both must fit on this page, or the cursor
        // would come back to a height measured on the page before.
        var totalsHeight = (6 + (invoice.Deposits.Count > 0 ? 2 * invoice.Deposits.Count + 2 : 0)) * (PdfCanvas.LineHeight(DocumentLayout.Strong) + 2);
        canvas.EnsureSpace(Math.Max(summaryHeight, totalsHeight));
        var x = canvas.Left;
        var column = canvas.Width * 0.13;
        canvas.Text(text["TaxByRate"], DocumentLayout.BodyBold, x, column * 3);
        canvas.Y += PdfCanvas.LineHeight(DocumentLayout.Body) + 2;
        canvas.Text(text["TaxRate"], DocumentLayout.Small, x, column, XBrushes.Gray);
        canvas.Text(text["TaxBase"], DocumentLayout.Small, x + column, column, XBrushes.Gray, XStringAlignment.Far);
        canvas.Text(text["TaxAmount"], DocumentLayout.Small, x + 2 * column, column, XBrushes.Gray, XStringAlignment.Far);
        canvas.Y += PdfCanvas.LineHeight(DocumentLayout.Body);
        var totalsTop = canvas.Y - 2 * PdfCanvas.LineHeight(DocumentLayout.Body) - 2;
        foreach (var (rate, taxBase, tax) in rates)
        {
            canvas.Text(text.Rate(rate), DocumentLayout.Body, x, column);
            canvas.Text(text.Money(taxBase), DocumentLayout.Body, x + column, column, align: XStringAlignment.Far);
            canvas.Text(text.Money(tax), DocumentLayout.Body, x + 2 * column, column, align: XStringAlignment.Far);
            canvas.Y += PdfCanvas.LineHeight(DocumentLayout.Body);
        }
        var afterSummary = canvas.Y;

        canvas.Y = totalsTop;
        var subtotal = new Money(invoice.Lines.Sum(l => l.NetMinor), invoice.Currency);
        var taxTotal = new Money(invoice.Lines.Sum(l => l.TaxMinor), invoice.Currency);
        DocumentLayout.TotalRow(canvas, text["Subtotal"], text.Money(subtotal));
        DocumentLayout.TotalRow(canvas, text["TaxTotal"], text.Money(taxTotal));
        DocumentLayout.TotalRow(canvas, text["Total"], text.Money(subtotal + taxTotal), strong: true);
        if (invoice.Status is InvoiceStatus.Draft or InvoiceStatus.Void)
        {
            canvas.Y = Math.Max(canvas.Y, afterSummary) + 12;
            return;
        }
        // Deposits deducted as French practice shows them: each deposit's net and VAT, then the net left to pay. The
        // invoice's own totals above stay as issued; this is how part of it was paid.
        var deducted = new Money(invoice.Deposits.Sum(d => d.TotalMinor), invoice.Currency);
        if (invoice.Deposits.Count > 0)
        {
            DocumentLayout.TotalRow(canvas, text["DepositsDeducted"], "");
            foreach (var deposit in invoice.Deposits)
            {
                DocumentLayout.TotalRow(canvas, text.Format("DepositDeductedNet", deposit.DepositNumber), text.Money(-deposit.Net));
                DocumentLayout.TotalRow(canvas, text.Format("DepositDeductedTax", deposit.DepositNumber, text.Rate(deposit.TaxRateBasisPoints)), text.Money(-deposit.Tax));
            }
            DocumentLayout.TotalRow(canvas, text["NetAfterDeposits"], text.Money(subtotal + taxTotal - deducted), strong: true);
        }
        var paidOtherwise = invoice.Paid - deducted;
        if (paidOtherwise.IsPositive)
            DocumentLayout.TotalRow(canvas, text["AlreadyPaid"], text.Money(-paidOtherwise));
        if (invoice.Credited.IsPositive)
            DocumentLayout.TotalRow(canvas, text["Credited"], text.Money(-invoice.Credited));
        DocumentLayout.TotalRow(canvas, text.Format("AmountDueOn", text.Date(invoice.AsOf)), text.Money(invoice.AmountDue), strong: true);
        canvas.Y = Math.Max(canvas.Y, afterSummary) + 12;
    }

    private static void PayBox(PdfCanvas canvas, InvoicePdfModel invoice, DocumentLanguage text)
    {
        if (invoice.Status is not (InvoiceStatus.Open or InvoiceStatus.PartiallyPaid) || !invoice.AmountDue.IsPositive)
            return;
        var epc = invoice.EpcPayload;
        if (invoice.PayUrl is null && epc is null)
            return;
        const double qrSize = 92;
        const double height = qrSize + 28;
        canvas.EnsureSpace(height);
        var top = canvas.Y;
        var brand = DocumentLayout.Brand(invoice.Parties.Seller);
        canvas.Graphics.DrawRoundedRectangle(new XPen(brand, 0.8), canvas.Left, top, canvas.Width, height, 8, 8);
        var half = canvas.Width / 2;
        using var generator = new QRCodeGenerator();
        if (invoice.PayUrl is { } url)
        {
            var x = canvas.Left + 12;
            var textWidth = half - qrSize - 30;
            var linkHeight = canvas.Text(text["PayOnline"], Link, x, textWidth, new XSolidBrush(brand), y: top + 12);
            var linkWidth = Math.Min(textWidth, canvas.Graphics.MeasureString(text["PayOnline"], Link).Width);
            canvas.Graphics.DrawLine(new XPen(brand, 0.8), x, top + 12 + linkHeight - 1, x + linkWidth, top + 12 + linkHeight - 1);
            canvas.Link(new XRect(x, top + 12, linkWidth, linkHeight), url);
            var urlHeight = canvas.Text(url.AbsoluteUri, DocumentLayout.Small, x, textWidth, XBrushes.Gray, y: top + 16 + linkHeight);
            canvas.Link(new XRect(x, top + 16 + linkHeight, textWidth, urlHeight), url);
            canvas.Text(text["ScanToPayOnline"], DocumentLayout.Small, x, textWidth, y: top + 22 + linkHeight + urlHeight);
            using var code = generator.CreateQrCode(url.AbsoluteUri, QRCodeGenerator.ECCLevel.M);
            canvas.Qr(code, canvas.Left + half - qrSize - 8, top + 14, qrSize);
        }
        if (epc is not null)
        {
            var x = canvas.Left + half + 12;
            var textWidth = half - qrSize - 30;
            var titleHeight = canvas.Text(text["PayByTransfer"], DocumentLayout.BodyBold, x, textWidth, y: top + 12);
            var iban = invoice.Parties.Seller.Legal.Iban!;
            var details = $"{text["Iban"]} {Portal.Domain.Firms.BankIdentifiers.Grouped(iban)}" + (invoice.Parties.Seller.Legal.Bic is { } bic ? $"\n{text["Bic"]} {bic}" : "")
                + $"\n{text["Reference"]} {invoice.Number}";
            var detailsHeight = canvas.Text(details, DocumentLayout.Small, x, textWidth, y: top + 14 + titleHeight);
            canvas.Text(text["ScanWithBankingApp"], DocumentLayout.Small, x, textWidth, XBrushes.Gray, y: top + 18 + titleHeight + detailsHeight);
            // EPC069-12 asks for error correction level M and the payload's own UTF-8 bytes (character set 1), no ECI header.
            using var code = generator.CreateQrCode(epc, QRCodeGenerator.ECCLevel.M, forceUtf8: true);
            canvas.Qr(code, canvas.Right - qrSize - 8, top + 14, qrSize);
        }
        canvas.Y = top + height + 12;
    }

    /// <summary>
    /// French B2B invoices must state the late-payment penalty rate, the €40 fixed recovery indemnity and the
    /// discount for early payment (Code de commerce L441-9; BR-FR-05/06 notes PMD, PMT, AAB).
    /// </summary>
    public static void Mentions(PdfCanvas canvas, DocumentParties parties, DocumentLanguage text)
    {
        if (!parties.Seller.Legal.IsFrench || !parties.Buyer.IsBusiness)
            return;
        var penalty = parties.Seller.Legal.LatePaymentPenalty ?? text["PenaltyDefault"];
        var mentions = string.Join('\n', text.Format("PenaltyMention", penalty), text["RecoveryIndemnity"], text["NoDiscount"]);
        var height = canvas.TextHeight(mentions, DocumentLayout.Small, canvas.Width);
        canvas.EnsureSpace(height);
        canvas.Y += canvas.Text(mentions, DocumentLayout.Small, canvas.Left, canvas.Width) + 6;
    }
}
