using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.DirectDebit;
using Portal.Documents;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.EInvoicing;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;

namespace Portal.EInvoicing;

/// <summary>A Factur-X XML ready to download: the bytes and the file name.</summary>
public sealed record FacturXXml(byte[] Content, string FileName);

/// <summary>
/// Turns an issued invoice or a credit note into its Factur-X CII (<see cref="CiiInvoice"/>), from what the database
/// holds, read through the signed-in person's tenant: another firm's id is not found. Parties are the ones the invoice
/// was issued with (decision 0017); amounts paid and due are as of now, as the PDF shows them.
/// </summary>
public sealed class FacturXDocuments(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Printed in the PMD note when the firm gave no rate of its own: the legal minimum (Code de commerce L441-10).</summary>
    public const string DefaultPenalty = "trois fois le taux d'intérêt légal";

    public async Task<FacturXXml?> InvoiceXmlAsync(Guid invoiceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var invoice = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == invoiceId, ct);
        if (invoice is null || !invoice.IsIssued && invoice.Status != InvoiceStatus.Void || invoice.Number is null)
            return null;
        var document = await InvoiceDocumentAsync(db, invoice, ct);
        return new FacturXXml(CiiInvoice.Build(document), $"factur-x-{invoice.Number}.xml");
    }

    public async Task<FacturXXml?> CreditNoteXmlAsync(Guid creditNoteId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var note = await db.CreditNotes.AsNoTracking().Include(n => n.Lines).SingleOrDefaultAsync(n => n.Id == creditNoteId, ct);
        if (note is null)
            return null;
        var invoice = await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == note.InvoiceId, ct);
        return new FacturXXml(CiiInvoice.Build(await CreditNoteDocumentAsync(db, note, invoice, ct)), $"factur-x-{note.Number}.xml");
    }

    /// <summary>The CII content of a numbered credit note (type 381), naming the invoice it corrects.</summary>
    public static async Task<CiiDocument> CreditNoteDocumentAsync(PortalDbContext db, CreditNote note, Invoice invoice, CancellationToken ct)
    {
        var (seller, buyer, kind, delivery, penalty, vatOnDebits, _, _, _) = await PartiesAsync(db, invoice, ct);
        // A credit note with no tax lines (money kept as credit takes back no revenue) carries its total at 0%.
        var lines = note.Lines.Count > 0
            ? note.Lines.OrderBy(l => l.TaxRateBasisPoints).Select(l => new CiiLine($"Avoir sur la facture {note.InvoiceNumber} : {note.Reason}", 1m, l.NetMinor, l.NetMinor, l.TaxMinor, l.TaxRateBasisPoints)).ToList()
            : [new CiiLine($"Avoir sur la facture {note.InvoiceNumber} : {note.Reason}", 1m, note.TotalMinor, note.TotalMinor, 0, 0)];
        // Nothing is paid out on a credit note: it settles the invoice it corrects, or becomes the client's credit.
        var total = lines.Sum(l => l.NetMinor + l.TaxMinor);
        return new CiiDocument(CiiDocumentType.CreditNote, note.Number, note.Date, note.Currency, invoice.Category(), seller, buyer, kind, delivery, lines,
            total, null, null, [], vatOnDebits, penalty, PrecedingInvoiceNumber: note.InvoiceNumber, PrecedingInvoiceDate: invoice.IssueDate);
    }

    /// <summary>The CII content of an issued invoice, as of now.</summary>
    public static async Task<CiiDocument> InvoiceDocumentAsync(PortalDbContext db, Invoice invoice, CancellationToken ct)
    {
        var (seller, buyer, kind, delivery, penalty, vatOnDebits, iban, bic, creditorId) = await PartiesAsync(db, invoice, ct);
        var lines = invoice.Lines.OrderBy(l => l.Position)
            .Select(l => new CiiLine(l.Description, l.Quantity, l.UnitPriceMinor, l.NetMinor, l.TaxMinor, l.TaxRateBasisPoints)).ToList();
        var paidInFullOn = await PaidInFullOnAsync(db, invoice, ct);
        var means = await PaymentMeansAsync(db, invoice, iban, bic, creditorId, ct);
        // Settled already: money received and amounts credited on it, so the amount due is what the invoice page shows.
        var prepaid = invoice.Status == InvoiceStatus.Void ? 0 : invoice.PaidMinor + invoice.CreditedMinor;
        return new CiiDocument(CiiDocumentType.Invoice, invoice.Number!, invoice.IssueDate, invoice.Currency, invoice.Category(paidInFullOn), seller, buyer, kind, delivery,
            lines, prepaid, invoice.DueDate, invoice.Number, means, vatOnDebits, penalty, BuyerReference: invoice.Reference,
            PeriodStart: invoice.PeriodStart, PeriodEnd: invoice.PeriodEnd);
    }

    /// <summary>
    /// The day the last money settling the invoice arrived, when nothing is due any more: it decides whether the
    /// invoice was paid when issued (category B2, S2, M2).
    /// </summary>
    public static async Task<DateOnly?> PaidInFullOnAsync(PortalDbContext db, Invoice invoice, CancellationToken ct)
    {
        if (!invoice.IsIssued || !invoice.AmountDue.IsZero || invoice.PaidMinor == 0)
            return null;
        var settled = new[] { PaymentStatus.Succeeded, PaymentStatus.Settled, PaymentStatus.PartiallyRefunded };
        var times = await db.PaymentAllocations.AsNoTracking().Where(a => a.InvoiceId == invoice.Id && a.AmountMinor > 0)
            .Join(db.Payments.AsNoTracking().Where(p => settled.Contains(p.Status)), a => a.PaymentId, p => p.Id, (a, p) => p.SucceededAt)
            .ToListAsync(ct);
        if (times.Count == 0 || times.Any(t => t is null))
            return null;
        // The firm's day: money that arrived at 00:30 Paris time on the 1st arrived on the 1st.
        var timeZone = await db.Firms.IgnoreQueryFilters().AsNoTracking().Where(f => f.Id == invoice.FirmId).Select(f => f.TimeZone).SingleAsync(ct);
        return new BusinessCalendar(timeZone).DayOf(times.Max()!.Value);
    }

    /// <summary>
    /// How this client pays this invoice: by direct debit when it is being or was collected so (with the mandate's
    /// reference and the firm's SEPA creditor identifier), by transfer to the firm's IBAN when the firm has one, by card
    /// when the invoice takes cards.
    /// </summary>
    private static async Task<List<CiiPaymentMeans>> PaymentMeansAsync(PortalDbContext db, Invoice invoice, string? iban, string? bic, string? creditorId, CancellationToken ct)
    {
        var means = new List<CiiPaymentMeans>();
        var firm = await db.Firms.AsNoTracking().SingleAsync(f => f.Id == invoice.FirmId, ct);
        var mandateId = await db.Set<ScheduledCollection>().AsNoTracking().Where(c => c.InvoiceId == invoice.Id).Select(c => c.MandateId).FirstOrDefaultAsync(ct);
        if (mandateId is not null)
        {
            var mandate = await db.Set<DirectDebitMandate>().AsNoTracking().FirstOrDefaultAsync(m => m.MandateId == mandateId, ct);
            means.Add(new CiiPaymentMeans(CiiPaymentMeansCode.SepaDirectDebit, MandateReference: mandate?.Reference ?? mandateId, CreditorId: creditorId));
        }
        if (iban is not null)
            means.Add(new CiiPaymentMeans(CiiPaymentMeansCode.SepaTransfer, iban, bic));
        if (invoice.MethodsAllowed.HasFlag(PaymentMethods.Card) && firm.Policy.MethodsAllowed.HasFlag(PaymentMethods.Card))
            means.Add(new CiiPaymentMeans(CiiPaymentMeansCode.Card));
        return means;
    }

    private static async Task<(CiiParty Seller, CiiParty Buyer, ClientKind Kind, string? Delivery, string Penalty, bool VatOnDebits, string? Iban, string? Bic, string? CreditorId)> PartiesAsync(
        PortalDbContext db, Invoice invoice, CancellationToken ct)
    {
        var kept = await db.IssuedInvoiceInputs.AsNoTracking().SingleOrDefaultAsync(i => i.InvoiceId == invoice.Id, ct);
        DocumentParties parties;
        ClientLegalDetails legal;
        if (kept is not null)
        {
            parties = kept.Read();
            legal = parties.Buyer.Legal ?? (await db.ClientAccounts.AsNoTracking().SingleAsync(c => c.Id == invoice.ClientAccountId, ct)).LegalDetails;
        }
        else
        {
            var firm = await db.Firms.AsNoTracking().SingleAsync(f => f.Id == invoice.FirmId, ct);
            var client = await db.ClientAccounts.AsNoTracking().SingleAsync(c => c.Id == invoice.ClientAccountId, ct);
            parties = new DocumentParties(DocumentSeller.Of(firm), DocumentBuyer.Of(client));
            legal = client.LegalDetails;
        }
        var s = parties.Seller.Legal;
        // Portal's firms are French; their directory address is the SIREN unless they gave another.
        var seller = new CiiParty(s.LegalName ?? parties.Seller.Name, s.Siren, s.Siret, s.VatNumber, s.ElectronicAddress ?? s.Siren, s.Address, "FR");
        // A client whose country was never given is taken to be in France, as the firm is.
        var country = legal.Country ?? "FR";
        var buyer = new CiiParty(parties.Buyer.Name, legal.Siren, legal.Siret, legal.VatNumber, legal.Siren, legal.Address, country);
        return (seller, buyer, legal.Kind, legal.DeliveryAddress, s.LatePaymentPenalty ?? DefaultPenalty, s.VatOnDebits, s.Iban, s.Bic, s.SepaCreditorId);
    }
}
