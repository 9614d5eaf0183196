using System.Globalization;

namespace Portal.Documents;

public enum DocumentKind { Invoice, CreditNote, Receipt, DepositInvoice }

public sealed record RenderedPdf(string FileName, byte[] Content);

/// <summary>A client's statement of account in one currency over whole days, as the statement page and its emails ask for it.</summary>
public sealed record StatementRequest(Guid ClientAccountId, Portal.Domain.Currency Currency, DateOnly From, DateOnly To)
{
    /// <summary>The currency and days alone, as an email keeps them to draw the statement when it is sent: <c>EUR 2026-11-01 2026-11-30</c>.</summary>
    public string Period => string.Create(CultureInfo.InvariantCulture, $"{Currency.Code} {From:yyyy-MM-dd} {To:yyyy-MM-dd}");

    public static StatementRequest? Parse(Guid clientAccountId, string? period)
    {
        var parts = period?.Split(' ') ?? [];
        return parts.Length == 3 && Portal.Domain.Currency.TryFromCode(parts[0], out var currency)
            && DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            && DateOnly.TryParseExact(parts[2], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to) && from <= to
            ? new StatementRequest(clientAccountId, currency, from, to) : null;
    }
}

/// <summary>
/// The PDF of an invoice, a credit note or a receipt, in the reader's language. Tenant-safe: it reads through the
/// scope's tenant, so another firm's id (or, for a client contact, another client's) gives null, as an unknown id does.
/// A client contact gets null for a draft.
/// </summary>
public interface IDocumentPdfs
{
    /// <param name="documentId">
    /// Invoice: the invoice's id. Receipt: the payment's id. Deposit invoice: its own id. Credit note: its own id; also, as older links
    /// have it, the id of a voided invoice (the credit note cancelling it) or of the ledger transaction a credit note posts.
    /// </param>
    Task<RenderedPdf?> RenderAsync(DocumentKind kind, Guid documentId, CultureInfo culture, CancellationToken ct = default);

    /// <summary>A client's statement of account; null for a client the reader cannot see.</summary>
    Task<RenderedPdf?> RenderStatementAsync(StatementRequest request, CultureInfo culture, CancellationToken ct = default);
}
