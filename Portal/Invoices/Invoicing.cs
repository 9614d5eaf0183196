using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.CreditNotes;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Wallets;

namespace Portal.Invoices;

public sealed record InvoiceDraft(
    Guid ClientAccountId, string CurrencyCode, DateOnly IssueDate, DateOnly DueDate, string? Reference, string? Notes,
    PaymentMethods MethodsAllowed, IReadOnlyList<InvoiceLineInput> Lines);

/// <summary>Staff actions on invoices: drafts, issuing with the next gapless number, voiding.</summary>
public sealed class Invoicing(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, AuditRecorder audit, CreditAutoApplication autoCredit)
{
    public async Task<Guid> CreateDraftAsync(InvoiceDraft draft, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var client = await db.ClientAccounts.SingleOrDefaultAsync(c => c.Id == draft.ClientAccountId, cancellationToken)
            ?? throw new NotFoundException("client");
        var currency = Currency.FromCode(draft.CurrencyCode);
        var invoice = new Invoice(client, currency, draft.IssueDate, draft.DueDate, clock.GetUtcNow());
        Fill(invoice, draft);
        db.Invoices.Add(invoice);
        await db.SaveChangesAsync(cancellationToken);
        return invoice.Id;
    }

    public async Task UpdateDraftAsync(Guid invoiceId, InvoiceDraft draft, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.Id == invoiceId, cancellationToken) ?? throw new NotFoundException("invoice");
        if (invoice.ClientAccountId != draft.ClientAccountId || invoice.Currency != Currency.FromCode(draft.CurrencyCode))
            throw new DomainException("The client and currency of a draft are fixed; create a new draft instead.");
        Fill(invoice, draft);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task DeleteDraftAsync(Guid invoiceId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.Id == invoiceId, cancellationToken) ?? throw new NotFoundException("invoice");
        if (invoice.Status != InvoiceStatus.Draft)
            throw new DomainException("Only a draft can be deleted; an issued invoice is voided.");
        db.Invoices.Remove(invoice);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Issues a draft with the firm's next number and books it in the ledger (receivable +T · revenue −N ·
    /// tax −V) in the same SaveChanges. The firm's counter is a concurrency token, so two invoices issued at
    /// the same moment cannot share a number; the loser simply takes the next one. Then, where the firm uses credit
    /// on issue, the client's credit pays what it can, before anything is sent about the invoice.
    /// </summary>
    public async Task<string> IssueAsync(Guid invoiceId, CancellationToken cancellationToken = default)
    {
        var (number, firmId) = await IssueDraftAsync(invoiceId, cancellationToken);
        await autoCredit.ApplyOnIssueAsync(firmId, invoiceId, cancellationToken);
        return number;
    }

    private async Task<(string Number, Guid FirmId)> IssueDraftAsync(Guid invoiceId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.Id == invoiceId, cancellationToken) ?? throw new NotFoundException("invoice");
            // Lock the firm's row before reading its counter, so concurrent issues queue here rather than
            // colliding on the same number (SQLite's write lock does the same for the embedded database).
            await db.Firms.Where(f => f.Id == invoice.FirmId)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.NextInvoiceNumber, f => f.NextInvoiceNumber), cancellationToken);
            var firm = await db.Firms.SingleAsync(f => f.Id == invoice.FirmId, cancellationToken);
            var client = await db.ClientAccounts.SingleAsync(c => c.Id == invoice.ClientAccountId, cancellationToken);
            // One issue per invoice: the key makes a second booking of the same invoice impossible.
            db.LedgerTransactions.Add(InvoiceBooking.Issue(invoice, firm, client, IssueKey(invoice.Id), clock.GetUtcNow()));
            audit.Record(db, "Invoice issued", "Invoice", invoice.Id, "Draft", $"{invoice.Number} {invoice.Total} due {invoice.DueDate:yyyy-MM-dd}");
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return (invoice.Number!, invoice.FirmId);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                // Another invoice took this number first: reload and take the next one.
            }
        }
    }

    /// <summary>
    /// Voids an issued invoice with nothing paid or pending on it, books the reverse of its issue and issues the
    /// credit note cancelling it with the firm's next credit-note number, all in one transaction. Returns that number.
    /// </summary>
    public async Task<string> VoidAsync(Guid invoiceId, string reason, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.Id == invoiceId, cancellationToken) ?? throw new NotFoundException("invoice");
            var sequence = await CreditNoteNumbers.LockedSequenceAsync(db, invoice.FirmId, cancellationToken);
            var before = $"{invoice.Number} {invoice.Status} {invoice.AmountDue} due";
            var calendar = await Portal.Firms.FirmCalendar.OfAsync(db, cancellationToken);
            var issue = InvoiceBooking.VoidWithCreditNote(invoice, sequence, reason, VoidKey(invoice.Id), clock.GetUtcNow(), calendar);
            db.LedgerTransactions.Add(issue.Transaction);
            db.CreditNotes.Add(issue.CreditNote);
            audit.Record(db, "Invoice voided", "Invoice", invoice.Id, before, $"{invoice.Number} Void: {reason} ({issue.CreditNote.Number})");
            try
            {
                // The invoice's version token refuses a void racing a payment that was applied meanwhile; run again,
                // the rules then see the payment. So does a firm's first credit note racing another to start the sequence.
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return issue.CreditNote.Number;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
            }
        }
    }

    public static string IssueKey(Guid invoiceId) => $"invoice-issued:{invoiceId:N}";

    public static string VoidKey(Guid invoiceId) => $"invoice-voided:{invoiceId:N}";

    private static void Fill(Invoice invoice, InvoiceDraft draft)
    {
        invoice.SetDates(draft.IssueDate, draft.DueDate);
        invoice.SetDetails(draft.Reference, draft.Notes, draft.MethodsAllowed);
        invoice.ReplaceLines(draft.Lines);
    }
}
