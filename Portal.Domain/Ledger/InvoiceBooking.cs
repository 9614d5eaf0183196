using Portal.Domain.Firms;
using Portal.Domain.Invoices;

namespace Portal.Domain.Ledger;

/// <summary>Issuing and voiding an invoice, with the ledger transaction that books it (saved in the same database transaction).</summary>
public static class InvoiceBooking
{
    /// <summary>Issues the draft (taking the firm's next number) and books receivable +T · revenue −N · tax −V.</summary>
    public static LedgerTransaction Issue(Invoice invoice, Firm firm, string idempotencyKey, DateTimeOffset now)
    {
        LedgerTransaction.EnsureKey(idempotencyKey);
        invoice.Issue(firm, now);
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
}
