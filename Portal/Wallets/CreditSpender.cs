using Portal.Deposits;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Ledger;
using Portal.Domain.Wallets;
using Portal.Ledger;

namespace Portal.Wallets;

/// <summary>Credit to use on an invoice; no amount means the lesser of what can still be paid on it and the credit available.</summary>
public sealed record CreditUse(Guid InvoiceId, Money? Amount, string IdempotencyKey);

/// <summary>
/// A client (on its own invoices) or staff use the client's credit on an invoice: wallet +C · receivable −C.
/// Guarded so that concurrent uses never take the wallet below zero nor pay an invoice twice (invariants 2, 3).
/// </summary>
public sealed class CreditSpender(LedgerWriter writer)
{
    /// <summary>Applies credit to the invoice; returns the id of the credit payment. A replayed key returns the first one.</summary>
    public Task<MoneyResult> ApplyAsync(CreditUse use, CancellationToken cancellationToken = default) =>
        writer.RunAsync(new MoneyOperation("apply-credit", use.IdempotencyKey, OperationFingerprint.Of("apply-credit", use.InvoiceId, use.Amount)), async work =>
        {
            var client = await work.ClientOfInvoiceAsync(use.InvoiceId);
            // Read after the lock, so the amount payable is the one no concurrent payment can change any more.
            var invoice = (await work.InvoicesOfAsync(client.Id, [use.InvoiceId]))[0];
            if (work.Db.Tenant.ClientAccountId is not null && !(await work.FirmAsync()).Policy.MethodsAllowed.HasFlag(PaymentMethods.Credit))
                throw new DomainException("This firm does not let clients use their credit on invoices.");
            var wallet = await work.WalletAsync(client, invoice.Currency);
            var amount = use.Amount ?? Money.Min(invoice.AmountPayable, Money.Max(wallet.Balance, Money.Zero(invoice.Currency)));
            if (use.Amount is null && amount.IsZero)
                throw wallet.Balance.IsPositive ? new DomainException($"Nothing more can be paid on {invoice.Number}.") : new DomainException("There is no credit to use.");
            var before = $"{invoice.Number} {invoice.AmountDue} due; credit {wallet.Balance}";
            var booked = CreditApplication.Apply(wallet, invoice, amount, work.IdempotencyKey, work.Now);
            work.Insert(booked.Payment);
            work.Post(booked.Transaction);
            // Credit that came from deposits is deducted on the invoice as French practice shows it (decision 0027).
            await DepositInvoicing.DeductAsync(work, invoice, amount, booked.Payment.Id, booked.Transaction);
            work.Audit("Credit applied", "Invoice", invoice.Id, before, $"{invoice.Number} {invoice.AmountDue} due; credit {wallet.Balance}");
            return booked.Payment.Id;
        }, cancellationToken);
}
