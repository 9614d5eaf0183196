using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Documents;
using Portal.Domain.Firms;
using Portal.Tests.Fixture;
using UglyToad.PdfPig;

namespace Portal.Tests.Documents;

/// <summary>Reads a generated PDF back with PdfPig, as a client's viewer would: its text, pages and links.</summary>
public sealed class PdfReading
{
    private PdfReading(byte[] content)
    {
        using var document = PdfDocument.Open(content);
        var pages = document.GetPages().ToList();
        Pages = pages.Select(p => Normalize(p.Text)).ToList();
        Links = pages.SelectMany(p => p.GetHyperlinks()).Select(l => (Normalize(l.Text), l.Uri)).ToList();
        QrCodes = pages.SelectMany(ReadQrCodes).ToList();
    }

    public static PdfReading Of(byte[] content) => new(content);

    public IReadOnlyList<string> Pages { get; }
    public string Text => string.Join("\n", Pages);
    public IReadOnlyList<(string Text, string Uri)> Links { get; }
    /// <summary>What the QR codes drawn on the pages say, read by a real decoder as a phone's camera would.</summary>
    public IReadOnlyList<string> QrCodes { get; }

    /// <summary>
    /// Paints the page's small filled rectangles (a QR code is drawn as runs of dark modules) onto a grey image and
    /// decodes every QR code on it. Text is drawn with glyphs, not paths, so it stays out of the picture.
    /// </summary>
    private static IEnumerable<string> ReadQrCodes(UglyToad.PdfPig.Content.Page page)
    {
        const double scale = 4;
        var modules = page.Paths.Where(p => p.IsFilled && !p.IsClipping).Select(p => p.GetBoundingRectangle())
            .OfType<UglyToad.PdfPig.Core.PdfRectangle>().Where(r => r.Height is > 0.5 and < 6).ToList();
        if (modules.Count == 0)
            return [];
        var width = (int)Math.Ceiling(page.Width * scale);
        var height = (int)Math.Ceiling(page.Height * scale);
        var pixels = new byte[width * height];
        Array.Fill(pixels, (byte)255);
        foreach (var r in modules)
        {
            // PDF y runs up from the bottom of the page; an image's runs down from the top.
            int left = (int)Math.Round(r.Left * scale), right = (int)Math.Round(r.Right * scale);
            int top = (int)Math.Round((page.Height - r.Top) * scale), bottom = (int)Math.Round((page.Height - r.Bottom) * scale);
            for (var y = Math.Max(0, top); y < Math.Min(height, bottom); y++)
                Array.Fill(pixels, (byte)0, y * width + Math.Max(0, left), Math.Max(0, Math.Min(width, right) - Math.Max(0, left)));
        }
        var bitmap = new ZXing.BinaryBitmap(new ZXing.Common.HybridBinarizer(
            new ZXing.RGBLuminanceSource(pixels, width, height, ZXing.RGBLuminanceSource.BitmapFormat.Gray8)));
        var found = new ZXing.Multi.QrCode.QRCodeMultiReader().decodeMultiple(bitmap,
            new Dictionary<ZXing.DecodeHintType, object> { [ZXing.DecodeHintType.TRY_HARDER] = true });
        return found?.Select(r => r.Text) ?? [];
    }

    /// <summary>True when <paramref name="expected"/> appears, spaces aside (a PDF places words, not the spaces between them).</summary>
    public bool Shows(string expected) => Squash(Text).Contains(Squash(expected), StringComparison.Ordinal);

    public static string Squash(string text) => new(Normalize(text).Where(c => !char.IsWhiteSpace(c)).ToArray());

    private static string Normalize(string text) => text.Replace('\u202F', ' ').Replace('\u00A0', ' ');
}

public static class DocumentFixtures
{
    public const string Iban = "FR7630006000011234567890189";

    public static readonly FirmLegalIdentity FrenchIdentity = new("Cabinet Martin SAS", "12 rue de la Paix\n75002 Paris", "732829320", "73282932000074",
        "FR44732829320", Iban, "BNPAFRPPXXX");

    public static async Task GiveIdentityAsync(this PortalApp app, TestFirm firm, FirmLegalIdentity identity, string? color = null, string? logo = null)
    {
        await using var db = app.OpenDb(firm.Id);
        var stored = await db.Firms.SingleAsync();
        stored.SetLegalIdentity(identity);
        if (color is not null || logo is not null)
            stored.Brand(color, logo);
        await db.SaveChangesAsync();
    }

    public static async Task MakeBusinessAsync(this PortalApp app, TestClient client, string companyNumber = "552100554")
    {
        await using var db = app.OpenDb(client.Firm.Id);
        var account = await db.ClientAccounts.SingleAsync(c => c.Id == client.Id);
        account.Update(account.Name, account.BillingEmail, account.Currency, companyNumber);
        await db.SaveChangesAsync();
    }

    public static async Task<PdfReading> RenderAsStaffAsync(this PortalApp app, TestFirm firm, DocumentKind kind, Guid id, string culture = "en")
    {
        var pdf = await app.AsStaffOfAsync<IDocumentPdfs, RenderedPdf?>(firm, s => s.RenderAsync(kind, id, CultureInfo.GetCultureInfo(culture)));
        pdf.ShouldNotBeNull();
        return PdfReading.Of(pdf.Content);
    }

    public static async Task<(System.Net.HttpStatusCode Status, byte[] Content, string? FileName)> DownloadAsync(this PortalSession session, string path)
    {
        using var response = await session.GetAsync(path);
        var content = await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, content, response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
    }
}
