using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Wallets;

namespace Portal.Domain.Payments;

/// <summary>Staff give money back on a payment: to the card (or bank) it came from, or as credit in the client's wallet.</summary>
public static class Refunds
{
    /// <summary>
    /// Pays <paramref name="amount"/> back to where it came from. The credit this payment brought and the client
    /// has not spent goes first (wallet +R), then its invoice amounts, the latest first, so those invoices
    /// reopen (receivable +R'); the provider's clearing account (or the bank) pays −(R + R').
    /// Credit already spent cannot be refunded this way: the wallet never goes below zero for it (invariant 2).
    /// </summary>
    public static LedgerTransaction ToPaymentMethod(Payment payment, IReadOnlyCollection<Invoice> invoices, Wallet wallet, Money amount, string idempotencyKey, DateTimeOffset now)
    {
        if (payment.Method == PaymentMethod.Credit)
            throw new DomainException("Credit used on an invoice goes back as credit, not to a card.");
        EnsureRefundable(payment, amount);
        Loaded.EnsureWalletOf(wallet, payment);

        var unspentCredit = Money.Min(payment.ToWallet, Money.Max(wallet.Balance, Money.Zero(payment.Currency)));
        var fromWallet = Money.Min(amount, unspentCredit);
        var left = amount - fromWallet;
        var fromInvoices = new List<(PaymentAllocation Allocation, Invoice Invoice, Money Taken)>();
        foreach (var allocation in payment.Allocations.Where(a => a is { IsToWallet: false, AmountMinor: > 0 }).Reverse())
        {
            if (left.IsZero)
                break;
            var taken = Money.Min(left, allocation.Amount);
            fromInvoices.Add((allocation, Loaded.Invoice(invoices, allocation.InvoiceId!.Value), taken));
            left -= taken;
        }
        if (left.IsPositive)
            throw new DomainException($"At most {amount - left} of this payment can be refunded to the {MethodName(payment)} now: the client has already used {payment.ToWallet - unspentCredit} of the credit it brought.");

        var transaction = LedgerTransaction.Create(payment.FirmId, LedgerTransactionKind.RefundToPaymentMethod, now, idempotencyKey,
            ToPaymentMethodFingerprint(payment.Id, amount), $"Refund of {amount} to the {MethodName(payment)} of payment {payment.Id}",
            PostingRules.RefundToPaymentMethod(payment.ReceivedInto, payment.ClientAccountId, fromWallet,
                fromInvoices.Select(f => new InvoiceAmount(f.Invoice.Id, f.Taken)).ToArray()),
            payment.Id);

        if (fromWallet.IsPositive)
        {
            wallet.Spend(fromWallet);
            payment.SetWalletAllocation(payment.ToWallet - fromWallet);
        }
        foreach (var (allocation, invoice, taken) in fromInvoices)
        {
            invoice.ReversePayment(taken);
            allocation.ChangeAmount(allocation.Amount - taken);
        }
        payment.RecordRefund(amount, now);
        return transaction;
    }

    public static string ToPaymentMethodFingerprint(Guid paymentId, Money amount) => OperationFingerprint.Of("refund-to-payment-method", paymentId, amount);

    /// <summary>
    /// Keeps <paramref name="amount"/> that this payment put on <paramref name="invoice"/> as the client's credit
    /// instead: the invoice is due again by that amount (receivable +R) and the client's credit grows by it
    /// (wallet −R). Nothing is written off: the firm still holds the money, now owed to the client as credit. A
    /// write-off (credit note) is a different decision and not this one.
    /// </summary>
    public static LedgerTransaction AsCredit(Payment payment, Invoice invoice, Wallet wallet, Money amount, string idempotencyKey, DateTimeOffset now)
    {
        EnsureRefundable(payment, amount);
        Loaded.EnsureWalletOf(wallet, payment);
        var allocation = payment.AllocationTo(invoice.Id);
        if (allocation is null || allocation.Amount < amount)
            throw new DomainException($"This payment put {allocation?.Amount ?? Money.Zero(payment.Currency)} on {invoice.Number}; {amount} cannot be credited back from it.");
        if (amount > invoice.Paid)
            throw new DomainException($"{invoice.Number} shows only {invoice.Paid} paid.");
        LedgerTransaction.EnsureKey(idempotencyKey);

        var transaction = LedgerTransaction.Create(payment.FirmId, LedgerTransactionKind.RefundAsCredit, now, idempotencyKey,
            AsCreditFingerprint(payment.Id, invoice.Id, amount), $"{amount} of payment {payment.Id} on {invoice.Number} kept as credit",
            PostingRules.RefundAsCredit(payment.ClientAccountId, new InvoiceAmount(invoice.Id, amount)), payment.Id);
        invoice.ReversePayment(amount);
        allocation.ChangeAmount(allocation.Amount - amount);
        payment.SetWalletAllocation(payment.ToWallet + amount);
        payment.RecordCreditedBack(amount);
        wallet.Credit(amount);
        return transaction;
    }

    public static string AsCreditFingerprint(Guid paymentId, Guid invoiceId, Money amount) => OperationFingerprint.Of("refund-as-credit", paymentId, invoiceId, amount);

    /// <summary>
    /// A refund to the card came back: the card was closed, lost or expired, and the provider returned the money to
    /// the firm's balance (clearing +R). The client is still owed it, so it becomes their credit (wallet −R), which
    /// staff can refund again another way or the client can spend; the invoices the refund reopened stay as they are,
    /// since the client or staff may have settled them since. The payment counts R as refunded no more.
    /// </summary>
    public static LedgerTransaction Failed(Payment payment, Wallet wallet, Money amount, string idempotencyKey, DateTimeOffset now)
    {
        if (amount.Currency != payment.Currency)
            throw new DomainException($"This payment is in {payment.Currency}; a refund cannot be in {amount.Currency}.");
        if (!amount.IsPositive)
            throw new DomainException("A refund must be more than zero.");
        if (amount > payment.Refunded)
            throw new DomainException($"Only {payment.Refunded} of this payment was refunded; a failed refund of {amount} cannot come back.");
        Loaded.EnsureWalletOf(wallet, payment);
        LedgerTransaction.EnsureKey(idempotencyKey);

        var transaction = LedgerTransaction.Create(payment.FirmId, LedgerTransactionKind.RefundFailed, now, idempotencyKey,
            OperationFingerprint.Of("refund-failed", payment.Id, amount), $"Refund of {amount} on payment {payment.Id} failed; kept as the client's credit",
            PostingRules.RefundFailed(payment.ReceivedInto, payment.ClientAccountId, amount), payment.Id);
        payment.SetWalletAllocation(payment.ToWallet + amount);
        payment.RecordRefundFailed(amount, now);
        wallet.Credit(amount);
        return transaction;
    }

    private static void EnsureRefundable(Payment payment, Money amount)
    {
        if (!PaymentStateMachine.CanRefund(payment.Status))
            throw new DomainException($"A {payment.Status} payment cannot be refunded.");
        if (amount.Currency != payment.Currency)
            throw new DomainException($"This payment is in {payment.Currency}; a refund cannot be in {amount.Currency}.");
        if (!amount.IsPositive)
            throw new DomainException("A refund must be more than zero.");
        if (amount > payment.Retained)
            throw new DomainException($"At most {payment.Retained} of this payment can be refunded.");
    }

    private static string MethodName(Payment payment) => payment.Method switch
    {
        PaymentMethod.Card => "card",
        PaymentMethod.DirectDebit => "bank account",
        PaymentMethod.BankTransfer or PaymentMethod.Cheque or PaymentMethod.Cash => "client",
        PaymentMethod.Credit => "credit balance",
    };
}
