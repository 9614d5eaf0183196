using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Microsoft.EntityFrameworkCore;
using Portal.Ledger;
using Portal.CreditNotes;
using Portal.Domain.Invoices;

namespace Portal.Payments;

/// <summary>
/// Staff corrections on a payment that succeeded: money paid back (recorded, not sent: a card refund through
/// the provider is reported back by <see cref="ProviderPayments.RecordRefundAsync"/>), credit given back on an
/// invoice, or a payment taken back (a bounced cheque, a returned transfer). Every one is audited.
/// </summary>
public sealed class PaymentCorrections(LedgerWriter writer)
{
    /// <summary>
    /// Records that <paramref name="amount"/> of the payment was paid back to the client outside Portal (bank
    /// transfer, cash, the provider's dashboard). Unspent credit it brought goes first, then its invoices reopen.
    /// </summary>
    public Task<MoneyResult> RecordRefundedExternallyAsync(Guid paymentId, Money amount, string idempotencyKey, CancellationToken cancellationToken = default) =>
        writer.RunAsync(new MoneyOperation("refund-external", idempotencyKey, Refunds.ToPaymentMethodFingerprint(paymentId, amount)), async work =>
        {
            var (payment, invoices, wallet) = await work.PaymentAsync(paymentId);
            var before = Summary(payment);
            work.Post(Refunds.ToPaymentMethod(payment, invoices, wallet, amount, work.IdempotencyKey, work.Now));
            work.Audit("Payment refunded", "Payment", payment.Id, before, $"{Summary(payment)}; refunded {amount}");
            return payment.Id;
        }, cancellationToken);

    /// <summary>
    /// Keeps <paramref name="amount"/> the payment put on an invoice as the client's credit: the invoice is due
    /// again by that amount and the client's credit grows by it (receivable +R · wallet −R). Nothing is written off.
    /// </summary>
    public Task<MoneyResult> RefundAsCreditAsync(Guid paymentId, Guid invoiceId, Money amount, string idempotencyKey, CancellationToken cancellationToken = default) =>
        writer.RunAsync(new MoneyOperation("refund-as-credit", idempotencyKey, Refunds.AsCreditFingerprint(paymentId, invoiceId, amount)), async work =>
        {
            var (payment, invoices, wallet) = await work.PaymentAsync(paymentId);
            var invoice = invoices.SingleOrDefault(i => i.Id == invoiceId)
                ?? throw new DomainException("This payment was not put on that invoice.");
            var before = $"{Summary(payment)}; credit {wallet.Balance}";
            var keptAsCredit = Refunds.AsCredit(payment, invoice, wallet, amount, work.IdempotencyKey, work.Now);
            work.Post(keptAsCredit);
            // The credit the client now holds against that invoice is a document of its own, numbered in the firm's sequence.
            var sequence = await CreditNoteNumbers.LockedSequenceAsync(work.Db, work.FirmId);
            var note = CreditNote.ForKeptAsCredit(invoice, sequence, amount, "", keptAsCredit, await work.CalendarAsync());
            work.Insert(note);
            work.Audit("Payment refunded as credit", "Payment", payment.Id, before, $"{Summary(payment)}; credit {wallet.Balance}; {note.Number}");
            return payment.Id;
        }, cancellationToken);

    /// <summary>
    /// Takes back a payment that had succeeded (a cheque bounced, a transfer was returned): the reverse of what it
    /// paid; its invoices reopen; credit it brought is taken back even if spent, which may leave the wallet
    /// negative and flagged. Not for credit payments: give those back as credit.
    /// </summary>
    public Task<MoneyResult> ReverseAsync(Guid paymentId, ReversalReason reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        writer.RunAsync(new MoneyOperation("reverse", idempotencyKey, Settlement.ReversedFingerprint(paymentId, reason)), async work =>
        {
            var (payment, invoices, wallet) = await work.PaymentAsync(paymentId);
            var before = $"{Summary(payment)}; credit {wallet.Balance}";
            var transaction = Settlement.Reverse(payment, invoices, wallet, reason, work.IdempotencyKey, work.Now)
                ?? throw new DomainException("This payment was already taken back.");
            work.Post(transaction);
            work.Audit("Payment reversed", "Payment", payment.Id, before, $"{Summary(payment)}; credit {wallet.Balance}{(wallet.NeedsAttention ? " (needs attention)" : "")}");
            return payment.Id;
        }, cancellationToken);

    /// <summary>
    /// Voids a transfer, cheque or cash payment recorded by mistake, on the day it was recorded (the firm's clock):
    /// what it paid is due again and the credit it brought is taken back. Audited with the reason.
    /// </summary>
    public Task<MoneyResult> VoidManualAsync(Guid paymentId, string reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        writer.RunAsync(new MoneyOperation("void-manual-payment", idempotencyKey, ManualPayments.VoidFingerprint(paymentId, reason)), async work =>
        {
            var (payment, invoices, wallet) = await work.PaymentAsync(paymentId);
            // Recorded when staff entered it, which is not the day the money was said to arrive (that may be earlier).
            var recordedAt = await work.Db.AuditEntries.Where(a => a.SubjectId == payment.Id && a.Action == ManualPaymentRecorder.RecordedAction)
                .Select(a => (DateTimeOffset?)a.At).FirstOrDefaultAsync() ?? payment.CreatedAt;
            var before = $"{Summary(payment)}; credit {wallet.Balance}";
            var calendar = await work.CalendarAsync();
            work.Post(ManualPayments.Void(payment, invoices, wallet, calendar.DayOf(recordedAt), calendar.DayOf(work.Now), reason, work.IdempotencyKey, work.Now));
            work.Audit("Payment voided", "Payment", payment.Id, before, $"{Summary(payment)}: {reason.Trim()}; credit {wallet.Balance}{Flag(wallet)}");
            return payment.Id;
        }, cancellationToken);

    /// <summary>
    /// A cheque or transfer staff recorded came back unpaid on <paramref name="bouncedOn"/>: its invoices are due
    /// again and the credit it brought is taken back, even if spent (the wallet is then flagged). Audited.
    /// </summary>
    public Task<MoneyResult> BounceAsync(Guid paymentId, DateOnly bouncedOn, string reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        writer.RunAsync(new MoneyOperation("bounce-manual-payment", idempotencyKey, ManualPayments.BounceFingerprint(paymentId, bouncedOn, reason)), async work =>
        {
            var (payment, invoices, wallet) = await work.PaymentAsync(paymentId);
            var before = $"{Summary(payment)}; credit {wallet.Balance}";
            work.Post(ManualPayments.Bounce(payment, invoices, wallet, bouncedOn, await work.CalendarAsync(), reason, work.IdempotencyKey, work.Now));
            work.Audit("Payment bounced", "Payment", payment.Id, before,
                $"{Summary(payment)} on {bouncedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}: {reason.Trim()}; credit {wallet.Balance}{Flag(wallet)}");
            return payment.Id;
        }, cancellationToken);

    private static string Flag(Portal.Domain.Wallets.Wallet wallet) => wallet.NeedsAttention ? " (needs attention)" : "";

    private static string Summary(Payment payment) => $"{payment.Method} {payment.Amount} {payment.Status}";
}
