using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Ledger;

namespace Portal.CreditNotes;

/// <summary>
/// Owners and admins give up collecting part of what is due on an issued invoice: a numbered credit note, posted
/// writeoff +N · tax +V · receivable −W, the invoice due less by exactly W, the client's credit untouched. Audited.
/// </summary>
public sealed class WriteOffs(LedgerWriter writer)
{
    public const string WrittenOffAction = "Invoice written off";

    /// <returns>The credit note's id as the result's id.</returns>
    public Task<MoneyResult> WriteOffAsync(Guid invoiceId, Money amount, string reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        writer.RunAsync(new MoneyOperation("write-off", idempotencyKey, InvoiceBooking.WriteOffFingerprint(invoiceId, amount, reason ?? "")), async work =>
        {
            // The client's row first, as every money operation on its invoices does: a payment landing on the same
            // invoice waits, so the amount due checked here is the one written off.
            await work.ClientOfInvoiceAsync(invoiceId);
            var invoice = await work.Db.Invoices.SingleAsync(i => i.Id == invoiceId, cancellationToken);
            var sequence = await CreditNoteNumbers.LockedSequenceAsync(work.Db, work.FirmId, cancellationToken);
            var before = $"{invoice.Number} {invoice.Status} {invoice.AmountDue} due";
            var issue = InvoiceBooking.WriteOff(invoice, sequence, amount, reason ?? "", work.IdempotencyKey, work.Now, await work.CalendarAsync());
            work.Post(issue.Transaction);
            work.Insert(issue.CreditNote);
            work.Audit(WrittenOffAction, "Invoice", invoice.Id, before,
                $"{invoice.Number} {amount} written off by {issue.CreditNote.Number}: {issue.CreditNote.Reason}; {invoice.AmountDue} due");
            return issue.CreditNote.Id;
        }, cancellationToken);
}
