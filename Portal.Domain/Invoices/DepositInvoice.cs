using Portal.Domain.Firms;
using Portal.Domain.Payments;

namespace Portal.Domain.Invoices;

/// <summary>Which money received before it is invoiced gets a deposit invoice (docs/decisions/0027).</summary>
public enum DepositInvoiceMode
{
    /// <summary>No deposit invoices.</summary>
    Off,
    /// <summary>
    /// Money paid as a prepayment: the prepayment a client chose at checkout (card or direct debit), and a transfer,
    /// cheque or cash payment staff record wholly as credit.
    /// </summary>
    Prepayments,
    /// <summary>
    /// Every amount that lands in the client's credit when a payment is received: prepayments, and also overpayments
    /// (an invoice already paid when the money arrived, a manual payment's surplus kept as credit).
    /// </summary>
    AllAdvances,
}

/// <summary>
/// A firm's choice of deposit invoices and the VAT rate they carry. A firm that never chose has the default: on for
/// prepayments when it is French (it has a SIREN, the same test its invoices use for French mentions), off otherwise,
/// at the French standard rate of 20 %.
/// </summary>
public sealed class DepositInvoiceSettings : ITenantOwned
{
    public const int StandardFrenchRateBasisPoints = 20_00;

    private DepositInvoiceSettings() { }

    public Guid FirmId { get; private set; }
    public DepositInvoiceMode Mode { get; private set; }
    /// <summary>The VAT rate applied to deposits, in basis points (2000 = 20 %).</summary>
    public int VatRateBasisPoints { get; private set; } = StandardFrenchRateBasisPoints;
    public Guid Version { get; private set; } = Guid.NewGuid();

    public static DepositInvoiceSettings Default(Guid firmId, bool french) => new()
    {
        FirmId = firmId == Guid.Empty ? throw new ArgumentException("Settings belong to a firm.", nameof(firmId)) : firmId,
        Mode = french ? DepositInvoiceMode.Prepayments : DepositInvoiceMode.Off,
    };

    /// <summary>Changes both at once; a rate outside 0–100 % changes nothing.</summary>
    public void Change(DepositInvoiceMode mode, int vatRateBasisPoints)
    {
        if (!Enum.IsDefined(mode))
            throw new DomainException("Choose when deposit invoices are issued.");
        if (vatRateBasisPoints is < 0 or > 100_00)
            throw new DomainException("The VAT rate on deposits must be between 0 % and 100 %.");
        Mode = mode;
        VatRateBasisPoints = vatRateBasisPoints;
        Version = Guid.NewGuid();
    }

    /// <summary>
    /// How much of a payment's money that just landed in credit the deposit invoice covers: under
    /// <see cref="DepositInvoiceMode.Prepayments"/> only what was meant as a prepayment, under
    /// <see cref="DepositInvoiceMode.AllAdvances"/> everything that landed. Credit spent or given back (refunds kept as
    /// credit) never comes here: it was money already invoiced.
    /// </summary>
    public Money Covered(Money meantAsPrepayment, Money landedInCredit) => Mode switch
    {
        DepositInvoiceMode.Off => Money.Zero(landedInCredit.Currency),
        DepositInvoiceMode.Prepayments => Money.Min(meantAsPrepayment, landedInCredit),
        DepositInvoiceMode.AllAdvances => landedInCredit,
    };
}

/// <summary>
/// A firm's gapless sequence of deposit-invoice numbers (<c>AC-00001</c>…), apart from its invoices and credit notes,
/// locked the way credit notes lock theirs (docs/decisions/0019, 0027).
/// </summary>
public sealed class DepositInvoiceSequence : ITenantOwned
{
    public const string DefaultPrefix = "AC-";

    private DepositInvoiceSequence() { }

    public DepositInvoiceSequence(Guid firmId)
    {
        FirmId = firmId == Guid.Empty ? throw new ArgumentException("A sequence belongs to a firm.", nameof(firmId)) : firmId;
    }

    public Guid FirmId { get; private set; }
    public string Prefix { get; private set; } = DefaultPrefix;
    /// <summary>The number the next deposit invoice takes.</summary>
    public int Next { get; private set; } = 1;

    /// <summary>Takes the next number. Call only when a deposit invoice is issued, in the same transaction.</summary>
    public string Take()
    {
        var number = $"{Prefix}{Next:D5}";
        Next++;
        return number;
    }
}

/// <summary>
/// A deposit invoice (facture d'acompte): the numbered document for money received before the work is invoiced, with
/// the VAT it carries (due on receipt for services in France). Issued once per payment, when the money lands in the
/// client's credit, never edited.
/// </summary>
public sealed class DepositInvoice : IClientOwned
{
    private DepositInvoice() { }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    /// <summary>The payment whose money it covers: one deposit invoice per payment, whoever reports it and how often.</summary>
    public Guid PaymentId { get; private set; }
    public PaymentMethod Method { get; private set; }
    /// <summary>From the firm's deposit sequence: <c>AC-00001</c>.</summary>
    public string Number { get; private set; } = "";
    public DateOnly Date { get; private set; }
    public DateTimeOffset IssuedAt { get; private set; }
    public Currency Currency { get; private set; }
    /// <summary>The amount received, tax included.</summary>
    public long TotalMinor { get; private set; }
    public long NetMinor { get; private set; }
    public long TaxMinor { get; private set; }
    public int TaxRateBasisPoints { get; private set; }
    /// <summary>The ledger transaction that put the money in the client's credit.</summary>
    public Guid LedgerTransactionId { get; private set; }
    /// <summary>How much of it, tax included, has left the client's credit: deducted from invoices or refunded.</summary>
    public long ConsumedMinor { get; private set; }
    /// <summary>The part of <see cref="TaxMinor"/> those deductions and refunds took.</summary>
    public long ConsumedTaxMinor { get; private set; }
    public Guid Version { get; private set; } = Guid.NewGuid();

    public Money Total => new(TotalMinor, Currency);
    public Money Net => new(NetMinor, Currency);
    public Money Tax => new(TaxMinor, Currency);
    /// <summary>What is left of it in the client's credit.</summary>
    public Money Remaining => new(TotalMinor - ConsumedMinor, Currency);

    /// <summary>
    /// Takes <paramref name="amount"/> (tax included) out of what is left of the deposit, with its share of the tax: the
    /// tax consumed so far is always the deposit's tax × consumed ÷ total rounded half away from zero, so the parts of
    /// every deduction add up exactly to the deposit's net and tax once it is all consumed.
    /// </summary>
    public (Money Net, Money Tax) Consume(Money amount)
    {
        if (amount.Currency != Currency)
            throw new DomainException($"This deposit invoice is in {Currency}; {amount.Currency} cannot be taken from it.");
        if (!amount.IsPositive || amount > Remaining)
            throw new DomainException($"{amount} cannot be taken from deposit invoice {Number}: {Remaining} of it is left.");
        var consumedAfter = ConsumedMinor + amount.Minor;
        var taxAfter = TaxShareOf(consumedAfter);
        var tax = new Money(taxAfter - ConsumedTaxMinor, Currency);
        ConsumedMinor = consumedAfter;
        ConsumedTaxMinor = taxAfter;
        Version = Guid.NewGuid();
        return (amount - tax, tax);
    }

    /// <summary>
    /// A refund that took <paramref name="amount"/> of the deposit out of the client's credit failed, and the money is
    /// back in that credit: the deposit stands for it again, with its share of the tax by the same rule as
    /// <see cref="Consume"/>.
    /// </summary>
    public void Restore(Money amount)
    {
        if (amount.Currency != Currency)
            throw new DomainException($"This deposit invoice is in {Currency}; {amount.Currency} cannot come back to it.");
        if (!amount.IsPositive || amount.Minor > ConsumedMinor)
            throw new DomainException($"{amount} cannot come back to deposit invoice {Number}: {new Money(ConsumedMinor, Currency)} of it has left the credit.");
        ConsumedMinor -= amount.Minor;
        ConsumedTaxMinor = TaxShareOf(ConsumedMinor);
        Version = Guid.NewGuid();
    }

    /// <summary>The deposit's tax × <paramref name="consumed"/> ÷ its total, rounded half away from zero.</summary>
    private long TaxShareOf(long consumed)
    {
        var numerator = (Int128)TaxMinor * consumed;
        var share = numerator / TotalMinor;
        if (Int128.Abs(numerator % TotalMinor) * 2 >= TotalMinor)
            share += Int128.Sign(numerator);
        return (long)share;
    }

    /// <summary>
    /// Credit used on an invoice is taken from the client's deposits first, oldest first, as far as they go; what is
    /// left came from elsewhere (a refund kept as credit, an overpayment with no deposit) and deducts no deposit.
    /// </summary>
    public static IReadOnlyList<DepositDeduction> DeductFrom(IEnumerable<DepositInvoice> deposits, Invoice invoice, Money used, Guid creditPaymentId, Guid ledgerTransactionId, DateTimeOffset at)
    {
        var deductions = new List<DepositDeduction>();
        var left = used;
        foreach (var deposit in deposits.Where(d => d.Currency == used.Currency && d.ClientAccountId == invoice.ClientAccountId && d.Remaining.IsPositive)
                     .OrderBy(d => d.IssuedAt).ThenBy(d => d.Number, StringComparer.Ordinal))
        {
            if (!left.IsPositive)
                break;
            var taken = Money.Min(left, deposit.Remaining);
            var (net, tax) = deposit.Consume(taken);
            deductions.Add(new DepositDeduction(deposit, invoice, creditPaymentId, ledgerTransactionId, taken, net, tax, at));
            left -= taken;
        }
        return deductions;
    }

    /// <summary>
    /// The deposit invoice for <paramref name="received"/> of a payment that has just succeeded, numbered from the
    /// firm's sequence and dated when the money landed.
    /// </summary>
    public static DepositInvoice Issue(Payment payment, Money received, int taxRateBasisPoints, DepositInvoiceSequence sequence, Guid ledgerTransactionId, DateTimeOffset at, BusinessCalendar calendar)
    {
        if (sequence.FirmId != payment.FirmId)
            throw new DomainException("A deposit invoice is numbered by its own firm.");
        if (payment.Status != PaymentStatus.Succeeded)
            throw new DomainException("A deposit invoice is issued only for money received.");
        if (!received.IsPositive)
            throw new DomainException("A deposit invoice must be for more than zero.");
        if (received > payment.ToWallet)
            throw new DomainException("A deposit invoice cannot cover more than the payment put in credit.");
        var (net, tax) = Split(received, taxRateBasisPoints);
        return new DepositInvoice
        {
            Id = Guid.CreateVersion7(),
            FirmId = payment.FirmId,
            ClientAccountId = payment.ClientAccountId,
            PaymentId = payment.Id,
            Method = payment.Method,
            Number = sequence.Take(),
            IssuedAt = at,
            Date = calendar.DayOf(at),
            Currency = received.Currency,
            TotalMinor = received.Minor,
            NetMinor = net.Minor,
            TaxMinor = tax.Minor,
            TaxRateBasisPoints = taxRateBasisPoints,
            LedgerTransactionId = ledgerTransactionId,
        };
    }

    /// <summary>
    /// Splits an amount received tax included into net and tax: the tax is total × rate ÷ (1 + rate), rounded half away
    /// from zero to the minor unit, and the net is what is left, so the two always add up to the amount received.
    /// </summary>
    public static (Money Net, Money Tax) Split(Money total, int taxRateBasisPoints)
    {
        if (taxRateBasisPoints is < 0 or > 100_00)
            throw new DomainException("The VAT rate on deposits must be between 0 % and 100 %.");
        var numerator = (Int128)total.Minor * taxRateBasisPoints;
        var denominator = 10_000 + taxRateBasisPoints;
        var quotient = numerator / denominator;
        if (Int128.Abs(numerator % denominator) * 2 >= denominator)
            quotient += Int128.Sign(numerator);
        var tax = new Money((long)quotient, total.Currency);
        return (total - tax, tax);
    }
}

/// <summary>
/// Part of a deposit deducted on an invoice paid with the credit it brought: the deposit's number, the amount with its
/// net and tax, as the final invoice shows them (the invoice's own totals are unchanged: this is how it was paid).
/// </summary>
public sealed class DepositDeduction : IClientOwned
{
    private DepositDeduction() { }

    internal DepositDeduction(DepositInvoice deposit, Invoice invoice, Guid creditPaymentId, Guid ledgerTransactionId, Money total, Money net, Money tax, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7();
        FirmId = deposit.FirmId;
        ClientAccountId = deposit.ClientAccountId;
        DepositInvoiceId = deposit.Id;
        DepositNumber = deposit.Number;
        DepositDate = deposit.Date;
        TaxRateBasisPoints = deposit.TaxRateBasisPoints;
        InvoiceId = invoice.Id;
        PaymentId = creditPaymentId;
        LedgerTransactionId = ledgerTransactionId;
        Currency = total.Currency;
        TotalMinor = total.Minor;
        NetMinor = net.Minor;
        TaxMinor = tax.Minor;
        At = at;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    public Guid DepositInvoiceId { get; private set; }
    public string DepositNumber { get; private set; } = "";
    public DateOnly DepositDate { get; private set; }
    public int TaxRateBasisPoints { get; private set; }
    public Guid InvoiceId { get; private set; }
    /// <summary>The payment by credit that used the deposit.</summary>
    public Guid PaymentId { get; private set; }
    public Guid LedgerTransactionId { get; private set; }
    public Currency Currency { get; private set; }
    public long TotalMinor { get; private set; }
    public long NetMinor { get; private set; }
    public long TaxMinor { get; private set; }
    public DateTimeOffset At { get; private set; }

    public Money Total => new(TotalMinor, Currency);
    public Money Net => new(NetMinor, Currency);
    public Money Tax => new(TaxMinor, Currency);
}
