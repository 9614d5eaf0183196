using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using QRCoder;

namespace Portal.Documents;

/// <summary>
/// The small layout engine the documents are drawn with: A4 pages, a cursor that moves down, text that wraps
/// to a width, and a page break when the next block does not fit, calling back so a table can repeat its header.
/// Footers (legal mentions, "Page n / m") are drawn once every page exists, when the page count is known.
/// </summary>
internal sealed class PdfCanvas : IDisposable
{
    public const double Margin = 42;
    private readonly List<(PdfPage Page, XGraphics Graphics)> _pages = [];
    private readonly double _footerHeight;

    public PdfCanvas(string title, double footerHeight)
    {
        PdfFonts.EnsureInstalled();
        Document = new PdfDocument();
        Document.Info.Title = title;
        Document.Info.Creator = "Portal";
        Document.Options.CompressContentStreams = true;
        // The logo is stored decoded and deflated again: the fastest setting doubles its weight for a few milliseconds saved.
        Document.Options.FlateEncodeMode = PdfFlateEncodeMode.Default;
        _footerHeight = footerHeight;
        AddPage();
    }

    public PdfDocument Document { get; }
    public XGraphics Graphics => _pages[^1].Graphics;
    public PdfPage Page => _pages[^1].Page;
    public int PageCount => _pages.Count;
    public double Y { get; set; }
    public double Width => Page.Width.Point - 2 * Margin;
    public double Left => Margin;
    public double Right => Page.Width.Point - Margin;
    public double Bottom => Page.Height.Point - Margin - _footerHeight;

    /// <summary>Called after each page break, with the cursor at the top: a table draws its header row again here.</summary>
    public Action? OnNewPage { get; set; }

    public void AddPage()
    {
        var page = Document.AddPage();
        page.Size = PageSize.A4;
        _pages.Add((page, XGraphics.FromPdfPage(page)));
        Y = Margin;
    }

    /// <summary>Breaks the page when <paramref name="height"/> does not fit below the cursor.</summary>
    public void EnsureSpace(double height)
    {
        if (Y + height <= Bottom)
            return;
        AddPage();
        OnNewPage?.Invoke();
    }

    /// <summary>
    /// A DejaVu Sans face with Unicode encoding: French amounts hold narrow no-break spaces (U+202F) that the
    /// WinAnsi encoding cannot carry. Fonts are often made by static fields, before any canvas exists: the resolver must be in first.
    /// </summary>
    public static XFont Font(double size, bool bold = false)
    {
        PdfFonts.EnsureInstalled();
        return new(PdfFonts.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, new XPdfFontOptions(PdfFontEncoding.Unicode));
    }

    /// <summary>Splits <paramref name="text"/> into lines no wider than <paramref name="width"/>; a word longer than a line is cut.</summary>
    public List<string> Wrap(string text, XFont font, double width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            var line = "";
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (Graphics.MeasureString(candidate, font).Width <= width)
                {
                    line = candidate;
                    continue;
                }
                if (line.Length > 0)
                    lines.Add(line);
                line = word;
                while (line.Length > 1 && Graphics.MeasureString(line, font).Width > width)
                {
                    var fits = line.Length - 1;
                    while (fits > 1 && Graphics.MeasureString(line[..fits], font).Width > width)
                        fits--;
                    lines.Add(line[..fits]);
                    line = line[fits..];
                }
            }
            lines.Add(line);
        }
        return lines;
    }

    public static double LineHeight(XFont font) => font.Size * 1.25;

    /// <summary>Draws wrapped text at the cursor's height without moving it; returns the height used.</summary>
    public double Text(string text, XFont font, double x, double width, XBrush? brush = null, XStringAlignment align = XStringAlignment.Near, double? y = null)
    {
        var top = y ?? Y;
        var lines = Wrap(text, font, width);
        var lineHeight = LineHeight(font);
        var format = new XStringFormat { Alignment = align, LineAlignment = XLineAlignment.Near };
        for (var i = 0; i < lines.Count; i++)
            Graphics.DrawString(lines[i], font, brush ?? XBrushes.Black, new XRect(x, top + i * lineHeight, width, lineHeight), format);
        return lines.Count * lineHeight;
    }

    public double TextHeight(string text, XFont font, double width) => Wrap(text, font, width).Count * LineHeight(font);

    /// <summary>A clickable area over what was drawn at <paramref name="area"/>, opening <paramref name="url"/>.</summary>
    public void Link(XRect area, Uri url) =>
        Page.AddWebLink(new PdfRectangle(Graphics.Transformer.WorldToDefaultPage(area)), url.AbsoluteUri);

    /// <summary>
    /// Draws a QR code as vector squares (one rectangle per run of dark modules): sharp at any zoom, a few
    /// hundred bytes, and no image codec needed. The matrix includes the quiet zone QRCoder adds.
    /// </summary>
    public void Qr(QRCodeData code, double x, double y, double size)
    {
        var matrix = code.ModuleMatrix;
        var module = size / matrix.Count;
        for (var row = 0; row < matrix.Count; row++)
        {
            var bits = matrix[row];
            var column = 0;
            while (column < bits.Length)
            {
                if (!bits[column])
                {
                    column++;
                    continue;
                }
                var start = column;
                while (column < bits.Length && bits[column])
                    column++;
                // A hair of overlap so viewers do not show seams between adjacent runs.
                Graphics.DrawRectangle(XBrushes.Black, x + start * module, y + row * module, (column - start) * module + 0.05, module + 0.05);
            }
        }
    }

    /// <summary>Draws each page's footer with its number and the page count, then finishes the document.</summary>
    public byte[] Finish(Action<XGraphics, int, int> footer)
    {
        for (var i = 0; i < _pages.Count; i++)
            footer(_pages[i].Graphics, i + 1, _pages.Count);
        foreach (var (_, graphics) in _pages)
            graphics.Dispose();
        _pages.Clear();
        using var output = new MemoryStream();
        Document.Save(output, closeStream: false);
        return output.ToArray();
    }

    public void Dispose()
    {
        foreach (var (_, graphics) in _pages)
            graphics.Dispose();
        Document.Dispose();
    }
}
