namespace Portal.Domain.Firms;

public enum MinimumKind { None, FixedAmount, PercentOfDue }

public enum CreditAutoApply { Off, OnIssue, OnDueDate }

/// <summary>How a firm lets its clients pay. Amounts are minor units of the currency being paid.</summary>
public sealed class PaymentPolicy
{
    public bool PartialPaymentsAllowed { get; set; } = true;
    public MinimumKind PartialMinimumKind { get; set; } = MinimumKind.None;
    /// <summary>With <see cref="MinimumKind.FixedAmount"/>: the smallest partial payment, in minor units.</summary>
    public long PartialMinimumMinor { get; set; }
    /// <summary>With <see cref="MinimumKind.PercentOfDue"/>: basis points of the amount due (2500 = 25%).</summary>
    public int PartialMinimumBasisPoints { get; set; }
    public bool PrepaymentsAllowed { get; set; } = true;
    public long PrepaymentMinimumMinor { get; set; }
    public PaymentMethods MethodsAllowed { get; set; } = PaymentMethods.All;
    public CreditAutoApply CreditAutoApply { get; set; } = CreditAutoApply.Off;
    public bool AutoCollectDirectDebitOnDueDate { get; set; }
    /// <summary>Days after each failure of an automatic direct debit to try it again ("3, 7"); empty: no retries.</summary>
    public string DirectDebitRetryDays { get; set; } = "";
    public bool DirectDebitRetryWaitsForPayday { get; set; }
    /// <summary>Clients may save a card that is charged automatically on their invoices' due dates.</summary>
    public bool ChargeSavedCardsOnDueDate { get; set; } = true;
    /// <summary>Clients may choose which of their card and mandate pays automatically, or turn automatic payment off.</summary>
    public bool ClientsChooseAutomaticPayment { get; set; } = true;

    public Payments.DirectDebitRetryPolicy DirectDebitRetries() => Payments.DirectDebitRetryPolicy.Parse(DirectDebitRetryDays, DirectDebitRetryWaitsForPayday);

    /// <summary>The smallest amount a client may pay towards <paramref name="due"/> when not paying it all.</summary>
    public Money MinimumPartial(Money due) => PartialMinimumKind switch
    {
        MinimumKind.None => new Money(Math.Min(1, due.Minor), due.Currency),
        MinimumKind.FixedAmount => Money.Min(due, new Money(PartialMinimumMinor, due.Currency)),
        MinimumKind.PercentOfDue => Money.Max(new Money(Math.Min(1, due.Minor), due.Currency), due.Percent(PartialMinimumBasisPoints)),
    };

    /// <summary>Refuses an amount a client may not pay towards an invoice with <paramref name="due"/> outstanding.</summary>
    public void EnsurePayable(Money amount, Money due)
    {
        if (!amount.IsPositive)
            throw new DomainException("The amount to pay must be more than zero.");
        if (amount > due)
            throw new DomainException($"The amount {amount} is more than the {due} due.");
        if (amount == due)
            return;
        if (!PartialPaymentsAllowed)
            throw new DomainException("This firm accepts only payment of the full amount due.");
        var minimum = MinimumPartial(due);
        if (amount < minimum)
            throw new DomainException($"A partial payment must be at least {minimum}.");
    }

    public void Validate()
    {
        if (PartialMinimumMinor < 0 || PrepaymentMinimumMinor < 0)
            throw new DomainException("Minimum amounts cannot be negative.");
        if (PartialMinimumBasisPoints is < 0 or > 10_000)
            throw new DomainException("A minimum percentage must be between 0% and 100%.");
        DirectDebitRetries();
    }
}
