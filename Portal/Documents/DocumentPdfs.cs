using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Firms;
using Portal.Ledger;
using Portal.Localization;
using Portal.Payments;
using Portal.Tenancy;

namespace Portal.Documents;

/// <summary>Reads what a document needs through the scope's tenant and lays it out in the reader's language.</summary>
public sealed class DocumentPdfs(IDbContextFactory<PortalDbContext> dbFactory, TenantContext tenant, TimeProvider clock, FirmCalendar calendar, InvoicePayUrl payUrl,
    StatementOfAccount statements, IStringLocalizer<Text> T) : IDocumentPdfs
{
    public async Task<RenderedPdf?> RenderAsync(DocumentKind kind, Guid documentId, CultureInfo culture, CancellationToken ct = default)
    {
        var text = new DocumentLanguage(culture);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return kind switch
        {
            DocumentKind.Invoice => await InvoiceAsync(db, documentId, text, ct),
            DocumentKind.CreditNote => await CreditNoteAsync(db, documentId, text, ct),
            DocumentKind.Receipt => await ReceiptAsync(db, documentId, text, ct),
            DocumentKind.DepositInvoice => await DepositInvoiceAsync(db, documentId, text, ct),
        };
    }

    public async Task<RenderedPdf?> RenderStatementAsync(StatementRequest request, CultureInfo culture, CancellationToken ct = default)
    {
        Statement statement;
        try
        {
            statement = await statements.ForClientAsync(request.ClientAccountId, request.Currency, request.From, request.To, ct);
        }
        catch (NotFoundException)
        {
            return null;
        }
        var text = new DocumentLanguage(culture);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var client = await db.ClientAccounts.AsNoTracking().SingleAsync(c => c.Id == request.ClientAccountId, ct);
        var firm = await db.Firms.AsNoTracking().SingleAsync(f => f.Id == client.FirmId, ct);
        // The lines' words are the statement page's, in the document's language.
        string[] descriptions;
        using (Portal.Account.UserCulture.Use(text.Language.Name))
            descriptions = [.. statement.Entries.Select(e => PaymentText.StatementLine(T, e.Kind, e.Method, e.Reversal, e.Invoices))];
        var model = new StatementPdfModel(new DocumentParties(DocumentSeller.Of(firm), DocumentBuyer.Of(client)), statement, descriptions, firm.LocalToday(clock.GetUtcNow()), firm.Calendar);
        var name = $"{text["StatementOfAccount"]} {client.Name} {request.To:yyyy-MM-dd}";
        return new RenderedPdf(FileName(name), StatementPdf.Compose(model, text));
    }

    /// <summary>Lays out an invoice from its model alone, without the database: for the bench and previews.</summary>
    public static byte[] ComposeInvoice(InvoicePdfModel invoice, CultureInfo culture) => InvoicePdf.Compose(invoice, new DocumentLanguage(culture));

    private bool ForClient => tenant.ClientAccountId is not null;

    private async Task<RenderedPdf?> InvoiceAsync(PortalDbContext db, Guid invoiceId, DocumentLanguage text, CancellationToken ct)
    {
        var invoice = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == invoiceId, ct);
        // A draft is the firm's work in progress: its client never sees it.
        if (invoice is null || (invoice.Status == InvoiceStatus.Draft && ForClient))
            return null;
        var parties = await PartiesAsync(db, invoice, ct);
        var model = InvoicePdfModel.Of(invoice, parties, await calendar.TodayAsync(ct), await payUrl.ForAsync(invoice, ct)) with
        {
            Deposits = await db.DepositDeductions.AsNoTracking().Where(d => d.InvoiceId == invoice.Id)
                .OrderBy(d => d.At).ThenBy(d => d.DepositNumber).ToListAsync(ct),
        };
        var name = invoice.Number is null ? $"{text["DraftInvoice"]}" : $"{text["Invoice"]} {invoice.Number}";
        var pdf = InvoicePdf.Compose(model, text);
        // An issued invoice is a Factur-X: its CII as of today rides inside the PDF. A draft is no invoice yet.
        if (invoice.Number is not null)
            pdf = Portal.EInvoicing.FacturXPdf.Embed(pdf, Portal.Domain.EInvoicing.CiiInvoice.Build(await Portal.EInvoicing.FacturXDocuments.InvoiceDocumentAsync(db, invoice, ct)), clock.GetUtcNow());
        return new RenderedPdf(FileName(name), pdf);
    }

    /// <summary>
    /// A numbered credit note, by its own id (or by its ledger transaction's, or for a voided invoice by the invoice's: the links of older pages),
    /// with the number it was issued with. Credit notes from before numbering (docs/decisions/0019) have none: the one
    /// cancelling a voided invoice (its id is the invoice's) or the one for part of a payment kept as credit (its id is
    /// that ledger transaction's) keep the number derived from the invoice's they were first printed with.
    /// </summary>
    private async Task<RenderedPdf?> CreditNoteAsync(PortalDbContext db, Guid id, DocumentLanguage text, CancellationToken ct)
    {
        // Read through the tenant: a client contact finds only its own account's credit notes.
        var numbered = await db.CreditNotes.AsNoTracking().Include(n => n.Lines)
            .Where(n => n.Id == id || n.LedgerTransactionId == id || (n.InvoiceId == id && n.Kind == CreditNoteKind.InvoiceVoided)).FirstOrDefaultAsync(ct);
        if (numbered is not null)
            return await NumberedCreditNoteAsync(db, numbered, text, ct);
        var voided = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id && i.Status == InvoiceStatus.Void, ct);
        if (voided is not null)
        {
            var parties = await PartiesAsync(db, voided, ct);
            var number = $"CN-{voided.Number}";
            var model = new CreditNotePdfModel(parties, number, (await calendar.LoadAsync(ct)).DayOf(voided.VoidedAt!.Value), voided.Number!, voided.IssueDate,
                voided.VoidReason ?? "", InvoicePdfModel.Of(voided, parties, await calendar.TodayAsync(ct), null), voided.Total);
            return new RenderedPdf(FileName($"{text["CreditNote"]} {number}"), CreditNotePdf.Compose(model, text));
        }

        var keptAsCredit = await db.LedgerTransactions.AsNoTracking().Include(t => t.Postings)
            .SingleOrDefaultAsync(t => t.Id == id && t.Kind == LedgerTransactionKind.RefundAsCredit, ct);
        var receivable = keptAsCredit?.Postings.SingleOrDefault(p => p.AccountKind == LedgerAccountKind.Receivable);
        if (keptAsCredit is null || receivable?.InvoiceId is not { } invoiceId)
            return null;
        // Read through the tenant: a client contact finds only its own invoices, so another client's credit note stays hidden.
        var invoice = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == invoiceId, ct);
        if (invoice is null)
            return null;
        var earlier = await db.LedgerTransactions.AsNoTracking()
            .Where(t => t.Kind == LedgerTransactionKind.RefundAsCredit && t.Postings.Any(p => p.InvoiceId == invoiceId) && t.OccurredAt <= keptAsCredit.OccurredAt && t.Id != keptAsCredit.Id)
            .CountAsync(ct);
        var creditNumber = $"CN-{invoice.Number}-{earlier + 1}";
        var creditParties = await PartiesAsync(db, invoice, ct);
        var credit = new CreditNotePdfModel(creditParties, creditNumber, (await calendar.LoadAsync(ct)).DayOf(keptAsCredit.OccurredAt), invoice.Number!, invoice.IssueDate,
            text["KeptAsCreditReason"], null, receivable.Amount);
        return new RenderedPdf(FileName($"{text["CreditNote"]} {creditNumber}"), CreditNotePdf.Compose(credit, text));
    }

    private async Task<RenderedPdf?> NumberedCreditNoteAsync(PortalDbContext db, CreditNote note, DocumentLanguage text, CancellationToken ct)
    {
        var invoice = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == note.InvoiceId, ct);
        if (invoice is null)
            return null;
        var parties = await PartiesAsync(db, invoice, ct);
        var model = new CreditNotePdfModel(parties, note.Number, note.Date, note.InvoiceNumber, invoice.IssueDate,
            note.Kind switch
            {
                CreditNoteKind.KeptAsCredit => text["KeptAsCreditReason"],
                CreditNoteKind.InvoiceVoided or CreditNoteKind.WrittenOff => note.Reason,
            },
            note.Kind == CreditNoteKind.InvoiceVoided ? InvoicePdfModel.Of(invoice, parties, await calendar.TodayAsync(ct), null) : null,
            note.Total)
        {
            Kind = note.Kind,
            Rates = note.Kind == CreditNoteKind.WrittenOff
                ? note.Lines.OrderBy(l => l.TaxRateBasisPoints).Select(l => new TaxRateAmounts(l.TaxRateBasisPoints, new Money(l.NetMinor, note.Currency), new Money(l.TaxMinor, note.Currency))).ToList()
                : [],
        };
        // A numbered credit note is an e-invoice too (type 381): its CII rides inside, as an invoice's does.
        var cii = Portal.Domain.EInvoicing.CiiInvoice.Build(await Portal.EInvoicing.FacturXDocuments.CreditNoteDocumentAsync(db, note, invoice, ct));
        var pdf = Portal.EInvoicing.FacturXPdf.Embed(CreditNotePdf.Compose(model, text), cii, clock.GetUtcNow());
        return new RenderedPdf(FileName($"{text["CreditNote"]} {note.Number}"), pdf);
    }

    /// <summary>
    /// A deposit invoice, by its own id. Read through the tenant: another firm's, or for a contact another client's, is not
    /// found. Drawn with the firm's and client's identity of today, as receipts are: its amounts never change.
    /// </summary>
    private static async Task<RenderedPdf?> DepositInvoiceAsync(PortalDbContext db, Guid id, DocumentLanguage text, CancellationToken ct)
    {
        var deposit = await db.DepositInvoices.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);
        if (deposit is null)
            return null;
        var firm = await db.Firms.AsNoTracking().SingleAsync(f => f.Id == deposit.FirmId, ct);
        var client = await db.ClientAccounts.AsNoTracking().SingleAsync(c => c.Id == deposit.ClientAccountId, ct);
        var model = new DepositInvoicePdfModel(new DocumentParties(DocumentSeller.Of(firm), DocumentBuyer.Of(client)), deposit.Number, deposit.Date,
            deposit.Method, deposit.TaxRateBasisPoints, deposit.Net, deposit.Tax, deposit.Total);
        return new RenderedPdf(FileName($"{text["DepositInvoice"]} {deposit.Number}"), DepositInvoicePdf.Compose(model, text));
    }

    /// <summary>A receipt for a payment the firm received (not one in flight, failed or taken back). Drawn with the firm's identity of today.</summary>
    private static async Task<RenderedPdf?> ReceiptAsync(PortalDbContext db, Guid paymentId, DocumentLanguage text, CancellationToken ct)
    {
        var payment = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == paymentId, ct);
        if (payment is null || payment.Status is not (PaymentStatus.Succeeded or PaymentStatus.Settled or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded))
            return null;
        var invoiceIds = payment.ToInvoices.Select(i => i.InvoiceId).ToList();
        var numbers = await db.Invoices.AsNoTracking().Where(i => invoiceIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Number ?? "—", ct);
        var firm = await db.Firms.AsNoTracking().SingleAsync(f => f.Id == payment.FirmId, ct);
        var client = await db.ClientAccounts.AsNoTracking().SingleAsync(c => c.Id == payment.ClientAccountId, ct);
        // The random end of the id: the start of a version-7 id is its timestamp, shared by payments made close together.
        var number = payment.Id.ToString("N")[^10..].ToUpperInvariant();
        var model = new ReceiptPdfModel(new DocumentParties(DocumentSeller.Of(firm), DocumentBuyer.Of(client)), number,
            firm.Calendar.DayOf(payment.SucceededAt ?? payment.CreatedAt), payment.Method, payment.Reference, payment.Amount,
            payment.ToInvoices.Select(i => (numbers.GetValueOrDefault(i.InvoiceId, "—"), i.Amount)).ToList(), payment.ToWallet, payment.Refunded);
        return new RenderedPdf(FileName($"{text["Receipt"]} {number}"), ReceiptPdf.Compose(model, text));
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
