using Portal.Domain.Invoices;

namespace Portal.Domain.Payments;

/// <summary>An amount a payment is meant to put on one invoice.</summary>
public sealed record InvoicePayment(Invoice Invoice, Money Amount);

/// <summary>
/// How a payment's money is meant to be split: explicit amounts on invoices, the rest into the client's
/// wallet. All in one currency; each invoice amount more than zero and within what can still be paid on it.
/// </summary>
public sealed record AllocationPlan
{
    private AllocationPlan(IReadOnlyList<InvoicePayment> toInvoices, Money toWallet)
    {
        ToInvoices = toInvoices;
        ToWallet = toWallet;
    }

    public IReadOnlyList<InvoicePayment> ToInvoices { get; }
    public Money ToWallet { get; }
    public Currency Currency => ToWallet.Currency;
    public Money Total => ToInvoices.Select(p => p.Amount).Sum(Currency) + ToWallet;

    /// <summary>Amounts chosen per invoice (full or partial), optionally with extra for the wallet.</summary>
    public static AllocationPlan Explicit(IReadOnlyList<InvoicePayment> toInvoices, Money? toWallet = null)
    {
        var currency = toWallet?.Currency ?? (toInvoices.Count > 0 ? toInvoices[0].Amount.Currency : default);
        if (currency.IsUnset)
            throw new DomainException("Choose at least one invoice or an amount of credit to pay.");
        var walletPart = toWallet ?? Money.Zero(currency);
        if (walletPart.IsNegative)
            throw new DomainException("The amount for credit cannot be negative.");
        if (toInvoices.Select(p => p.Invoice.Id).Distinct().Count() != toInvoices.Count)
            throw new DomainException("Each invoice appears once in a payment.");
        if (toInvoices.Select(p => p.Invoice.ClientAccountId).Distinct().Count() > 1)
            throw new DomainException("A payment is for the invoices of one client.");
        foreach (var (invoice, amount) in toInvoices)
        {
            if (amount.Currency != currency || invoice.Currency != currency)
                throw new DomainException($"A payment is in one currency: {invoice.Number} is in {invoice.Currency}, the payment in {currency}.");
            if (!invoice.AcceptsPayment)
                throw new DomainException($"{invoice.Number ?? "This draft"} does not accept payment.");
            if (!amount.IsPositive)
                throw new DomainException($"The amount paid on {invoice.Number} must be more than zero.");
            if (amount > invoice.AmountPayable)
                throw new DomainException($"{amount} is more than the {invoice.AmountPayable} that can still be paid on {invoice.Number}.");
        }
        var plan = new AllocationPlan(toInvoices.ToArray(), walletPart);
        if (!plan.Total.IsPositive)
            throw new DomainException("A payment must be for more than zero.");
        return plan;
    }

    /// <summary>Only credit: a prepayment into the wallet.</summary>
    public static AllocationPlan Prepayment(Money amount) =>
        amount.IsPositive ? new AllocationPlan([], amount) : throw new DomainException("A prepayment must be more than zero.");

    /// <summary>
    /// Spreads an amount over invoices, the oldest due date first (then the oldest issued), each up to what can
    /// still be paid on it; whatever is left over lands in the wallet (invariant 3).
    /// </summary>
    public static AllocationPlan OldestDueFirst(Money amount, IEnumerable<Invoice> invoices)
    {
        if (!amount.IsPositive)
            throw new DomainException("A payment must be for more than zero.");
        var left = amount;
        var parts = new List<InvoicePayment>();
        var ordered = invoices
            .Where(i => i.AcceptsPayment && i.Currency == amount.Currency)
            .OrderBy(i => i.DueDate).ThenBy(i => i.IssueDate).ThenBy(i => i.Number, StringComparer.Ordinal);
        foreach (var invoice in ordered)
        {
            if (left.IsZero)
                break;
            var share = Money.Min(left, invoice.AmountPayable);
            if (!share.IsPositive)
                continue;
            parts.Add(new InvoicePayment(invoice, share));
            left -= share;
        }
        return Explicit(parts, left);
    }
}
