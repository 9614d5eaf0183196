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
    }

    public static PdfReading Of(byte[] content) => new(content);

    public IReadOnlyList<string> Pages { get; }
    public string Text => string.Join("\n", Pages);
    public IReadOnlyList<(string Text, string Uri)> Links { get; }

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
