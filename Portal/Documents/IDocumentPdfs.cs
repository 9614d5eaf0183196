using System.Globalization;

namespace Portal.Documents;

public enum DocumentKind { Invoice, CreditNote, Receipt }

public sealed record RenderedPdf(string FileName, byte[] Content);

/// <summary>
/// The PDF of an invoice, a credit note or a receipt, in the reader's language. Tenant-safe: it reads through the
/// scope's tenant, so another firm's id (or, for a client contact, another client's) gives null, as an unknown id does.
/// A client contact gets null for a draft.
/// </summary>
public interface IDocumentPdfs
{
    /// <param name="documentId">
    /// Invoice: the invoice's id. Receipt: the payment's id. Credit note: its own id; also, as older links
    /// have it, the id of a voided invoice (the credit note cancelling it) or of the ledger transaction a credit note posts.
    /// </param>
    Task<RenderedPdf?> RenderAsync(DocumentKind kind, Guid documentId, CultureInfo culture, CancellationToken ct = default);
}
