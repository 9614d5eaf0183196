using Portal.Domain.Invoices;
using Portal.Domain.Payments;

namespace Portal.Domain.Ledger;

/// <summary>Money that concerns one invoice: allocated to it, or taken back from it.</summary>
public readonly record struct InvoiceAmount(Guid InvoiceId, Money Amount);

/// <summary>
/// The posting rules of DESIGN.md, one method per row: debit positive, credit negative. Each result is the
/// postings of one transaction; zero amounts are left out. Receivable postings carry their invoice.
/// </summary>
public static class PostingRules
{
    /// <summary>receivable +T · revenue −N · tax −V.</summary>
    public static IReadOnlyList<Posting> InvoiceIssued(Invoice invoice) => NonZero(
        (LedgerAccount.Receivable(invoice.ClientAccountId), invoice.Total, invoice.Id),
        (LedgerAccount.Revenue, -invoice.Subtotal, invoice.Id),
        (LedgerAccount.Tax, -invoice.Tax, invoice.Id));

    /// <summary>The reverse of <see cref="InvoiceIssued"/>; only while nothing is allocated to the invoice.</summary>
    public static IReadOnlyList<Posting> InvoiceVoided(Invoice invoice) => Negate(InvoiceIssued(invoice));

    /// <summary>
    /// receivedInto +X · receivable −A · wallet −W. The account money arrives in is the provider's clearing
    /// account, the bank for manual payments, or the client's wallet when credit pays an invoice.
    /// </summary>
    public static IReadOnlyList<Posting> PaymentSucceeded(LedgerAccount receivedInto, Guid clientAccountId, IReadOnlyCollection<InvoiceAmount> toInvoices, Money toWallet)
    {
        var total = toInvoices.Select(a => a.Amount).Sum(toWallet.Currency) + toWallet;
        var lines = new List<(LedgerAccount, Money, Guid?)> { (receivedInto, total, null) };
        lines.AddRange(toInvoices.Select(a => (LedgerAccount.Receivable(clientAccountId), -a.Amount, (Guid?)a.InvoiceId)));
        lines.Add((LedgerAccount.Wallet(clientAccountId), -toWallet, null));
        return NonZero([.. lines]);
    }

    /// <summary>fees +F · clearing −F (a negative F is a fee given back).</summary>
    public static IReadOnlyList<Posting> ProviderFee(PaymentProvider provider, Money fee) => NonZero(
        (LedgerAccount.Fees(provider), fee, null),
        (LedgerAccount.Clearing(provider), -fee, null));

    /// <summary>bank +N · clearing −N.</summary>
    public static IReadOnlyList<Posting> Payout(PaymentProvider provider, Money net) => NonZero(
        (LedgerAccount.Bank, net, null),
        (LedgerAccount.Clearing(provider), -net, null));

    /// <summary>bank +X · receivable −A · wallet −W.</summary>
    public static IReadOnlyList<Posting> ManualPayment(Guid clientAccountId, IReadOnlyCollection<InvoiceAmount> toInvoices, Money toWallet) =>
        PaymentSucceeded(LedgerAccount.Bank, clientAccountId, toInvoices, toWallet);

    /// <summary>wallet +C · receivable −C.</summary>
    public static IReadOnlyList<Posting> CreditApplied(Guid clientAccountId, InvoiceAmount applied) =>
        PaymentSucceeded(LedgerAccount.Wallet(clientAccountId), clientAccountId, [applied], Money.Zero(applied.Amount.Currency));

    /// <summary>
    /// wallet +R (the unspent credit the payment brought) · receivable +R' (invoices reopen) · paidFrom −(R + R').
    /// </summary>
    public static IReadOnlyList<Posting> RefundToPaymentMethod(LedgerAccount paidFrom, Guid clientAccountId, Money fromWallet, IReadOnlyCollection<InvoiceAmount> fromInvoices) =>
        Negate(PaymentSucceeded(paidFrom, clientAccountId, fromInvoices, fromWallet));

    /// <summary>clearing +R · wallet −R: a refund the card could not take came back to the provider's balance; the client keeps it as credit.</summary>
    public static IReadOnlyList<Posting> RefundFailed(LedgerAccount receivedInto, Guid clientAccountId, Money cameBack) =>
        PaymentSucceeded(receivedInto, clientAccountId, [], cameBack);

    /// <summary>
    /// receivable +R (the invoice is due again) · wallet −R (the client's credit grows): money a payment put on an
    /// invoice is kept for the client as credit instead. Nothing leaves revenue: that would be a write-off.
    /// </summary>
    public static IReadOnlyList<Posting> RefundAsCredit(Guid clientAccountId, InvoiceAmount keptAsCredit) => NonZero(
        (LedgerAccount.Receivable(clientAccountId), keptAsCredit.Amount, keptAsCredit.InvoiceId),
        (LedgerAccount.Wallet(clientAccountId), -keptAsCredit.Amount, null));

    /// <summary>
    /// writeoff +N · tax +V · receivable −W: part of what is due given up, its net to the write-off account and its
    /// tax taken back from tax collected; the invoice is due less by exactly W and no wallet is touched.
    /// </summary>
    public static IReadOnlyList<Posting> WrittenOff(Invoice invoice, CreditedAmount writtenOff) => NonZero(
        (LedgerAccount.WriteOff, writtenOff.Net, invoice.Id),
        (LedgerAccount.Tax, writtenOff.Tax, invoice.Id),
        (LedgerAccount.Receivable(invoice.ClientAccountId), -writtenOff.Total, invoice.Id));

    /// <summary>Failure, chargeback or dispute lost after success: the reverse of "payment succeeded".</summary>
    public static IReadOnlyList<Posting> PaymentReversed(LedgerAccount receivedInto, Guid clientAccountId, IReadOnlyCollection<InvoiceAmount> fromInvoices, Money fromWallet) =>
        Negate(PaymentSucceeded(receivedInto, clientAccountId, fromInvoices, fromWallet));

    /// <summary>Dispute won after the money was taken back: "payment succeeded" again.</summary>
    public static IReadOnlyList<Posting> DisputeWon(LedgerAccount receivedInto, Guid clientAccountId, IReadOnlyCollection<InvoiceAmount> toInvoices, Money toWallet) =>
        PaymentSucceeded(receivedInto, clientAccountId, toInvoices, toWallet);

    private static IReadOnlyList<Posting> NonZero(params (LedgerAccount Account, Money Amount, Guid? InvoiceId)[] lines) =>
        lines.Where(l => !l.Amount.IsZero)
            .Select(l => new Posting(l.Account, l.Amount, l.Account.Kind == LedgerAccountKind.Wallet ? null : l.InvoiceId))
            .ToArray();

    private static IReadOnlyList<Posting> Negate(IReadOnlyList<Posting> postings) => postings.Select(p => p.Negated()).ToArray();
}
