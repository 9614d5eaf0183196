using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;

namespace Portal.Domain.Ledger;

/// <summary>Issuing and voiding an invoice, with the ledger transaction that books it (saved in the same database transaction).</summary>
public static class InvoiceBooking
{
    /// <summary>Issues the draft (taking the firm's next number) and books receivable +T · revenue −N · tax −V.</summary>
    public static LedgerTransaction Issue(Invoice invoice, Firm firm, ClientAccount client, string idempotencyKey, DateTimeOffset now)
    {
        LedgerTransaction.EnsureKey(idempotencyKey);
        invoice.Issue(firm, client, now);
        return LedgerTransaction.Create(invoice.FirmId, LedgerTransactionKind.InvoiceIssued, now, idempotencyKey,
            IssueFingerprint(invoice.Id), $"Invoice {invoice.Number} issued", PostingRules.InvoiceIssued(invoice));
    }

    public static string IssueFingerprint(Guid invoiceId) => OperationFingerprint.Of("invoice-issued", invoiceId);

    /// <summary>Voids an issued invoice nothing is paid, pending or credited on, and books the reverse of its issue.</summary>
    public static LedgerTransaction Void(Invoice invoice, string reason, string idempotencyKey, DateTimeOffset now)
    {
        LedgerTransaction.EnsureKey(idempotencyKey);
        invoice.Void(reason, now);
        return LedgerTransaction.Create(invoice.FirmId, LedgerTransactionKind.InvoiceVoided, now, idempotencyKey,
            VoidFingerprint(invoice.Id), $"Invoice {invoice.Number} voided", PostingRules.InvoiceVoided(invoice));
    }

    public static string VoidFingerprint(Guid invoiceId) => OperationFingerprint.Of("invoice-voided", invoiceId);

    /// <summary>Voids the invoice as <see cref="Void"/> does and issues the credit note cancelling it, with the next number of the firm's sequence.</summary>
    public static CreditNoteIssue VoidWithCreditNote(Invoice invoice, CreditNoteSequence sequence, string reason, string idempotencyKey, DateTimeOffset now, BusinessCalendar calendar)
    {
        var transaction = Void(invoice, reason, idempotencyKey, now);
        return new CreditNoteIssue(transaction, CreditNote.ForVoid(invoice, sequence, transaction, calendar));
    }

    /// <summary>
    /// Writes off <paramref name="amount"/> of what is due on the invoice (<see cref="Invoice.WriteOff"/>), books
    /// writeoff +N · tax +V · receivable −W and issues the credit note for it.
    /// </summary>
    public static CreditNoteIssue WriteOff(Invoice invoice, CreditNoteSequence sequence, Money amount, string reason, string idempotencyKey, DateTimeOffset now, BusinessCalendar calendar)
    {
        LedgerTransaction.EnsureKey(idempotencyKey);
        var parts = invoice.WriteOff(amount, reason);
        var transaction = LedgerTransaction.Create(invoice.FirmId, LedgerTransactionKind.WriteOff, now, idempotencyKey,
            WriteOffFingerprint(invoice.Id, amount, reason), $"{amount} of invoice {invoice.Number} written off", PostingRules.WrittenOff(invoice, parts));
        return new CreditNoteIssue(transaction, CreditNote.ForWriteOff(invoice, sequence, parts, reason, transaction, calendar));
    }

    public static string WriteOffFingerprint(Guid invoiceId, Money amount, string reason) => OperationFingerprint.Of("invoice-written-off", invoiceId, amount, reason.Trim());
}

/// <summary>A credit note and the ledger transaction that posts it, saved together.</summary>
public sealed record CreditNoteIssue(LedgerTransaction Transaction, CreditNote CreditNote);
