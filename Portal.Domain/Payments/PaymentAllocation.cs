namespace Portal.Domain.Payments;

/// <summary>
/// Where part of a payment sits: on an invoice, or in the client's wallet (prepayment, overpayment, credit
/// given back). Before success these are the client's intentions; from success on they are where the money
/// actually went, so a reversal or refund takes it back from the same places.
/// </summary>
public sealed class PaymentAllocation : ITenantOwned
{
    private PaymentAllocation() { }

    internal PaymentAllocation(Payment payment, Guid? invoiceId, Money amount)
    {
        Id = Guid.CreateVersion7();
        FirmId = payment.FirmId;
        PaymentId = payment.Id;
        InvoiceId = invoiceId;
        Currency = amount.Currency;
        AmountMinor = amount.Minor;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid PaymentId { get; private set; }
    /// <summary>The invoice paid, or null for the client's wallet.</summary>
    public Guid? InvoiceId { get; private set; }
    public Currency Currency { get; private set; }
    public long AmountMinor { get; private set; }
    /// <summary>Held as pending on the invoice while the payment is in flight, so no second collection starts.</summary>
    public long ReservedMinor { get; private set; }

    public bool IsToWallet => InvoiceId is null;
    public Money Amount => new(AmountMinor, Currency);
    public Money Reserved => new(ReservedMinor, Currency);

    internal void ChangeAmount(Money amount)
    {
        if (amount.IsNegative)
            throw new InvalidOperationException("An allocation cannot go below zero.");
        AmountMinor = amount.Minor;
    }

    internal void Reserve(Money amount) => ReservedMinor = amount.Minor;
}
