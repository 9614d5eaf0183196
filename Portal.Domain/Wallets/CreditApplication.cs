using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;

namespace Portal.Domain.Wallets;

/// <summary>
/// A client's credit used on one of its invoices: wallet +C · receivable −C, guarded so the wallet never goes
/// below zero (invariant 2). Recorded as a payment by credit, so the invoice's payments list it and it can be
/// given back as credit later.
/// </summary>
public static class CreditApplication
{
    public static BookedPayment Apply(Wallet wallet, Invoice invoice, Money amount, string idempotencyKey, DateTimeOffset now)
    {
        if (invoice.FirmId != wallet.FirmId || invoice.ClientAccountId != wallet.ClientAccountId)
            throw new DomainException("Credit can only be used on the client's own invoices.");
        if (amount.Currency != wallet.Currency || invoice.Currency != wallet.Currency)
            throw new DomainException($"Credit in {wallet.Currency} can only be used on invoices in {wallet.Currency}.");
        if (!invoice.AcceptsPayment)
            throw new DomainException($"{invoice.Number ?? "This draft"} does not accept payment.");
        if (!amount.IsPositive)
            throw new DomainException("The credit to use must be more than zero.");
        if (amount > invoice.AmountPayable)
            throw new DomainException($"{amount} is more than the {invoice.AmountPayable} that can still be paid on {invoice.Number}.");
        if (wallet.NeedsAttention)
            throw new DomainException("This credit balance is blocked until staff have looked at it: a payment that funded it was reversed.");
        if (amount > wallet.Balance)
            throw new DomainException($"Only {wallet.Balance} of credit is available; {amount} cannot be used.");

        var payment = Payment.FromCredit(wallet, new InvoicePayment(invoice, amount), now);
        var transaction = LedgerTransaction.Create(wallet.FirmId, LedgerTransactionKind.CreditApplied, now, idempotencyKey,
            Fingerprint(wallet.Id, invoice.Id, amount), $"Credit of {amount} used on {invoice.Number}",
            PostingRules.CreditApplied(wallet.ClientAccountId, new InvoiceAmount(invoice.Id, amount)), payment.Id);
        wallet.Spend(amount);
        invoice.ApplyPayment(amount);
        payment.MoveTo(PaymentStatus.Succeeded, now);
        return new BookedPayment(payment, transaction);
    }

    public static string Fingerprint(Guid walletId, Guid invoiceId, Money amount) => OperationFingerprint.Of("credit-applied", walletId, invoiceId, amount);
}
