using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;

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
    /// Gives back <paramref name="amount"/> the payment put on an invoice as credit: a credit note on the invoice,
    /// the client's wallet gets the money (revenue +N' · tax +V' · wallet −R).
    /// </summary>
    public Task<MoneyResult> RefundAsCreditAsync(Guid paymentId, Guid invoiceId, Money amount, string idempotencyKey, CancellationToken cancellationToken = default) =>
        writer.RunAsync(new MoneyOperation("refund-as-credit", idempotencyKey, Refunds.AsCreditFingerprint(paymentId, invoiceId, amount)), async work =>
        {
            var (payment, invoices, wallet) = await work.PaymentAsync(paymentId);
            var invoice = invoices.SingleOrDefault(i => i.Id == invoiceId)
                ?? throw new DomainException("This payment was not put on that invoice.");
            var before = $"{Summary(payment)}; credit {wallet.Balance}";
            work.Post(Refunds.AsCredit(payment, invoice, wallet, amount, work.IdempotencyKey, work.Now));
            work.Audit("Payment refunded as credit", "Payment", payment.Id, before, $"{Summary(payment)}; credit {wallet.Balance}");
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

    private static string Summary(Payment payment) => $"{payment.Method} {payment.Amount} {payment.Status}";
}
