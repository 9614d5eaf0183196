using PdfSharp.Drawing;
using Portal.Domain.Firms;

namespace Portal.Documents;

/// <summary>What every document shares: the firm's header, the client block, the meta block and the footer.</summary>
internal static class DocumentLayout
{
    public const double FooterHeight = 34;
    public static readonly XFont Body = PdfCanvas.Font(9);
    public static readonly XFont BodyBold = PdfCanvas.Font(9, bold: true);
    public static readonly XFont Small = PdfCanvas.Font(7.5);
    public static readonly XFont Heading = PdfCanvas.Font(18, bold: true);
    public static readonly XFont FirmName = PdfCanvas.Font(14, bold: true);
    public static readonly XFont Stamp = PdfCanvas.Font(14, bold: true);
    public static readonly XFont Strong = PdfCanvas.Font(11, bold: true);
    public static readonly XColor DefaultColor = XColor.FromArgb(0x1E, 0x3A, 0x5F);

    public static XColor Brand(DocumentSeller seller)
    {
        if (seller.PrimaryColor is { Length: 7 } hex && hex[0] == '#'
            && int.TryParse(hex.AsSpan(1), System.Globalization.NumberStyles.HexNumber, null, out var rgb))
            return XColor.FromArgb((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
        return DefaultColor;
    }

    /// <summary>
    /// Logo (PNG or JPEG; an SVG logo cannot be drawn by PDFsharp, so the firm's name shows instead) and the firm's
    /// identity on the right; then the title with a stamp, the client block and the meta rows. Moves the cursor below.
    /// </summary>
    public static void Header(PdfCanvas canvas, DocumentSeller seller, DocumentBuyer buyer, string title, string? stamp, IReadOnlyList<(string Label, string Value)> meta, DocumentLanguage text)
    {
        var brand = new XSolidBrush(Brand(seller));
        var top = canvas.Y;
        var logoHeight = DrawLogo(canvas, seller, top) ?? canvas.Text(seller.Name, FirmName, canvas.Left, canvas.Width / 2, brand);

        var identity = new List<string> { seller.Legal.LegalName ?? seller.Name };
        if (seller.Legal.Address is { } address)
            identity.AddRange(address.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        if (seller.Legal.Siret is { } siret)
            identity.Add($"{text["Siret"]} {siret}");
        else if (seller.Legal.Siren is { } siren)
            identity.Add($"{text["Siren"]} {siren}");
        if (seller.Legal.VatNumber is { } vat)
            identity.Add($"{text["VatNumber"]} {vat}");
        var identityHeight = canvas.Text(string.Join('\n', identity), Body, canvas.Left + canvas.Width / 2, canvas.Width / 2, align: XStringAlignment.Far, y: top);
        canvas.Y = top + Math.Max(logoHeight, identityHeight) + 18;

        canvas.Text(title, Heading, canvas.Left, canvas.Width, brand);
        if (stamp is not null)
            canvas.Text(stamp, Stamp, canvas.Left, canvas.Width, new XSolidBrush(XColor.FromArgb(0xC6, 0x28, 0x28)), XStringAlignment.Far);
        canvas.Y += PdfCanvas.LineHeight(Heading) + 8;

        var blockTop = canvas.Y;
        var half = canvas.Width / 2 - 10;
        var buyerLines = new List<string> { buyer.Name };
        if (buyer.Email is { } email)
            buyerLines.Add(email);
        if (buyer.CompanyNumber is { } number)
            buyerLines.Add($"{text["CompanyNumber"]} {number}");
        canvas.Text(text["BilledTo"], Small, canvas.Left, half, XBrushes.Gray);
        var buyerHeight = PdfCanvas.LineHeight(Small) + canvas.Text(string.Join('\n', buyerLines), BodyBold, canvas.Left, half, y: blockTop + PdfCanvas.LineHeight(Small));

        var metaY = blockTop;
        var metaLeft = canvas.Left + canvas.Width / 2 + 10;
        foreach (var (label, value) in meta)
        {
            canvas.Text(label, Body, metaLeft, half / 2, XBrushes.Gray, y: metaY);
            metaY += canvas.Text(value, BodyBold, metaLeft + half / 2, half / 2, align: XStringAlignment.Far, y: metaY);
        }
        canvas.Y = Math.Max(blockTop + buyerHeight, metaY) + 16;
    }

    private static double? DrawLogo(PdfCanvas canvas, DocumentSeller seller, double top)
    {
        if (LogoBytes(seller.LogoDataUrl) is not { } bytes)
            return null;
        try
        {
            using var image = XImage.FromStream(new MemoryStream(bytes));
            var scale = Math.Min(160 / image.PointWidth, 56 / image.PointHeight);
            canvas.Graphics.DrawImage(image, canvas.Left, top, image.PointWidth * scale, image.PointHeight * scale);
            return image.PointHeight * scale;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ArgumentException or IOException)
        {
            // A logo PDFsharp cannot read must not stop the invoice: the firm's name stands in for it.
            return null;
        }
    }

    private static byte[]? LogoBytes(string? dataUrl)
    {
        if (dataUrl is null || !(dataUrl.StartsWith("data:image/png;base64,", StringComparison.Ordinal) || dataUrl.StartsWith("data:image/jpeg;base64,", StringComparison.Ordinal)))
            return null;
        try
        {
            return Convert.FromBase64String(dataUrl[(dataUrl.IndexOf(',', StringComparison.Ordinal) + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The firm's identity in one small line and the page number, at the foot of each page.</summary>
    public static Action<XGraphics, int, int> Footer(PdfCanvas canvas, DocumentSeller seller, DocumentLanguage text)
    {
        var parts = new List<string> { seller.Legal.LegalName ?? seller.Name };
        if (seller.Legal.Address is { } address)
            parts.Add(string.Join(", ", address.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)));
        if (seller.Legal.Siren is { } siren)
            parts.Add($"{text["Siren"]} {siren}");
        if (seller.Legal.VatNumber is { } vat)
            parts.Add($"{text["VatNumber"]} {vat}");
        if (seller.Legal.Iban is { } iban)
            parts.Add($"{text["Iban"]} {BankIdentifiers.Grouped(iban)}" + (seller.Legal.Bic is { } bic ? $" · {text["Bic"]} {bic}" : ""));
        var line = string.Join(" · ", parts);
        var left = canvas.Left;
        var width = canvas.Width;
        var y = canvas.Bottom + 10;
        return (graphics, page, pages) =>
        {
            graphics.DrawLine(new XPen(XColors.LightGray, 0.5), left, y - 4, left + width, y - 4);
            graphics.DrawString(line, Small, XBrushes.Gray, new XRect(left, y, width - 60, 10), XStringFormats.TopLeft);
            graphics.DrawString(text.Format("Page", page, pages), Small, XBrushes.Gray, new XRect(left, y, width, 10), XStringFormats.TopRight);
        };
    }

    /// <summary>A right-aligned label and amount, as in a totals block.</summary>
    public static void TotalRow(PdfCanvas canvas, string label, string amount, bool strong = false)
    {
        var font = strong ? Strong : Body;
        var height = PdfCanvas.LineHeight(font) + 2;
        canvas.EnsureSpace(height);
        var x = canvas.Left + canvas.Width * 0.45;
        var width = canvas.Width * 0.55;
        canvas.Text(label, font, x, width * 0.62, align: XStringAlignment.Far);
        canvas.Text(amount, font, x + width * 0.62, width * 0.38, align: XStringAlignment.Far);
        canvas.Y += height;
    }

    private static readonly XFont TableHeaderFont = PdfCanvas.Font(8.5, bold: true);

    /// <summary>
    /// Starts a table of lines: its header in the firm's colour, drawn again at the top of each new page, until
    /// <see cref="EndTable"/>. The first <paramref name="textColumns"/> columns read left to right; the others are
    /// amounts, aligned right.
    /// </summary>
    public static void BeginTable(PdfCanvas canvas, DocumentSeller seller, string[] headers, double[] widths, int textColumns)
    {
        var brand = Brand(seller);
        void HeaderRow()
        {
            var height = headers.Select((h, i) => canvas.TextHeight(h, TableHeaderFont, widths[i] - 8)).Max() + 8;
            canvas.Graphics.DrawRectangle(new XSolidBrush(brand), canvas.Left, canvas.Y, canvas.Width, height);
            var x = canvas.Left;
            for (var i = 0; i < headers.Length; i++)
            {
                canvas.Text(headers[i], TableHeaderFont, x + 4, widths[i] - 8, XBrushes.White, i < textColumns ? XStringAlignment.Near : XStringAlignment.Far, canvas.Y + 4);
                x += widths[i];
            }
            canvas.Y += height;
        }

        canvas.EnsureSpace(60);
        HeaderRow();
        canvas.OnNewPage = HeaderRow;
    }

    /// <summary>One line of the table: as tall as its wrapped column <paramref name="wrapping"/>, ruled below.</summary>
    public static void TableRow(PdfCanvas canvas, string[] cells, double[] widths, int textColumns, int wrapping)
    {
        var height = canvas.TextHeight(cells[wrapping], Body, widths[wrapping] - 8) + 8;
        canvas.EnsureSpace(height);
        var x = canvas.Left;
        for (var i = 0; i < cells.Length; i++)
        {
            canvas.Text(cells[i], Body, x + 4, widths[i] - 8, align: i < textColumns ? XStringAlignment.Near : XStringAlignment.Far, y: canvas.Y + 4);
            x += widths[i];
        }
        canvas.Y += height;
        canvas.Graphics.DrawLine(TableRule, canvas.Left, canvas.Y, canvas.Right, canvas.Y);
    }

    public static void EndTable(PdfCanvas canvas) => canvas.OnNewPage = null;

    private static readonly XPen TableRule = new(XColors.LightGray, 0.5);
}
