using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Invoices;
using Portal.Tenancy;

namespace Portal.Documents;

/// <summary>Reads what a document needs through the scope's tenant and lays it out in the reader's language.</summary>
public sealed class DocumentPdfs(IDbContextFactory<PortalDbContext> dbFactory, TenantContext tenant, TimeProvider clock, InvoicePayUrl payUrl) : IDocumentPdfs
{
    public async Task<RenderedPdf?> RenderAsync(DocumentKind kind, Guid documentId, CultureInfo culture, CancellationToken ct = default)
    {
        var text = new DocumentLanguage(culture);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return kind switch
        {
            DocumentKind.Invoice => await InvoiceAsync(db, documentId, text, ct),
            DocumentKind.CreditNote => null,
            DocumentKind.Receipt => null,
        };
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private bool ForClient => tenant.ClientAccountId is not null;

    private async Task<RenderedPdf?> InvoiceAsync(PortalDbContext db, Guid invoiceId, DocumentLanguage text, CancellationToken ct)
    {
        var invoice = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == invoiceId, ct);
        // A draft is the firm's work in progress: its client never sees it.
        if (invoice is null || (invoice.Status == InvoiceStatus.Draft && ForClient))
            return null;
        var parties = await PartiesAsync(db, invoice, ct);
        var model = InvoicePdfModel.Of(invoice, parties, Today, payUrl.For(invoice));
        var name = invoice.Number is null ? $"{text["DraftInvoice"]}" : $"{text["Invoice"]} {invoice.Number}";
        return new RenderedPdf(FileName(name), InvoicePdf.Compose(model, text));
    }

    /// <summary>The parties as the invoice was issued to them, or as they are now for a draft (or an invoice issued before inputs were kept).</summary>
    private static async Task<DocumentParties> PartiesAsync(PortalDbContext db, Invoice invoice, CancellationToken ct)
    {
        var kept = await db.IssuedInvoiceInputs.AsNoTracking().SingleOrDefaultAsync(i => i.InvoiceId == invoice.Id, ct);
        if (kept is not null)
            return kept.Read();
        var firm = await db.Firms.AsNoTracking().SingleAsync(f => f.Id == invoice.FirmId, ct);
        var client = await db.ClientAccounts.AsNoTracking().SingleAsync(c => c.Id == invoice.ClientAccountId, ct);
        return new DocumentParties(DocumentSeller.Of(firm), DocumentBuyer.Of(client));
    }

    internal static string FileName(string title)
    {
        var safe = new string(title.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        while (safe.Contains("--", StringComparison.Ordinal))
            safe = safe.Replace("--", "-", StringComparison.Ordinal);
        return safe + ".pdf";
    }
}
