using Portal.Domain.Clients;
using Portal.Domain.Firms;

namespace Portal.Domain.Invoices;

/// <summary>
/// An invoice from a firm to one client account, in one currency. A draft can be edited; once issued it
/// is never edited again, only paid, or voided (and reissued) while nothing has been paid on it.
/// </summary>
public sealed partial class Invoice : IClientOwned
{
    private readonly List<InvoiceLine> _lines = [];

    private Invoice() { }

    public Invoice(ClientAccount client, Currency currency, DateOnly issueDate, DateOnly dueDate, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7();
        FirmId = client.FirmId;
        ClientAccountId = client.Id;
        Currency = currency;
        CreatedAt = createdAt;
        Status = InvoiceStatus.Draft;
        SetDates(issueDate, dueDate);
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    /// <summary>Set when issued, from the firm's gapless sequence; a draft has none.</summary>
    public string? Number { get; private set; }
    public Currency Currency { get; private set; }
    public InvoiceStatus Status { get; private set; }
    public DateOnly IssueDate { get; private set; }
    public DateOnly DueDate { get; private set; }
    public string? Reference { get; private set; }
    public string? Notes { get; private set; }
    /// <summary>First day of the period the invoice bills (EN 16931 BG-14), as a subscription's invoice has; null otherwise.</summary>
    public DateOnly? PeriodStart { get; private set; }
    /// <summary>Last day of that period, included.</summary>
    public DateOnly? PeriodEnd { get; private set; }
    /// <summary>Methods a client may use on this invoice, within what the firm allows.</summary>
    public PaymentMethods MethodsAllowed { get; private set; } = PaymentMethods.All;
    public long SubtotalMinor { get; private set; }
    public long TaxMinor { get; private set; }
    public long TotalMinor { get; private set; }
    /// <summary>Money received and allocated to this invoice (kept with the ledger postings, same transaction).</summary>
    public long PaidMinor { get; private set; }
    /// <summary>
    /// Part of the total taken back by credit notes (money paid on the invoice that the client keeps as credit).
    /// The lines stay as issued; what is owed is the total less this.
    /// </summary>
    public long CreditedMinor { get; private set; }
    /// <summary>The tax share of <see cref="CreditedMinor"/>.</summary>
    public long CreditedTaxMinor { get; private set; }
    /// <summary>Money in flight towards this invoice (a direct debit submitted, a delayed card method): not paid yet.</summary>
    public long PendingMinor { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? IssuedAt { get; private set; }
    public DateTimeOffset? VoidedAt { get; private set; }
    public string? VoidReason { get; private set; }
    /// <summary>Changed on every write, so two staff saving the same invoice cannot overwrite each other.</summary>
    public Guid Version { get; private set; } = Guid.NewGuid();
    /// <summary>When the firm's systems were told this invoice went overdue (the <c>invoice.overdue</c> event): once, ever.</summary>
    public DateTimeOffset? OverdueAnnouncedAt { get; private set; }
    public IReadOnlyList<InvoiceLine> Lines => _lines;

    public Money Subtotal => new(SubtotalMinor, Currency);
    public Money Tax => new(TaxMinor, Currency);
    public Money Total => new(TotalMinor, Currency);
    public Money Paid => new(PaidMinor, Currency);
    public Money Pending => new(PendingMinor, Currency);
    public Money Credited => new(CreditedMinor, Currency);
    /// <summary>What the client owes on this invoice; the same figure as the sum of its receivable postings.</summary>
    public Money AmountDue => new(Status == InvoiceStatus.Void ? 0 : TotalMinor - CreditedMinor - PaidMinor, Currency);
    /// <summary>
    /// What a client can still start paying: due, less what is already in flight. Never below zero: money that
    /// arrives can pay an invoice while another collection is still in flight; that one's excess becomes credit.
    /// </summary>
    public Money AmountPayable => new(Status == InvoiceStatus.Void ? 0 : Math.Max(0, TotalMinor - CreditedMinor - PaidMinor - PendingMinor), Currency);
    public bool IsIssued => Status is InvoiceStatus.Open or InvoiceStatus.PartiallyPaid or InvoiceStatus.Paid;
    public bool AcceptsPayment => Status is InvoiceStatus.Open or InvoiceStatus.PartiallyPaid;
    public bool IsOverdue(DateOnly today) => AcceptsPayment && DueDate < today;

    /// <summary>
    /// Notes that the invoice went overdue, once: true the first time it is overdue on <paramref name="today"/> (the
    /// firm's local day), false if it is not overdue or was already announced. The version moves, so two instances
    /// announcing the same invoice at once cannot both save.
    /// </summary>
    public bool AnnounceOverdue(DateOnly today, DateTimeOffset now)
    {
        if (OverdueAnnouncedAt is not null || !IsOverdue(today))
            return false;
        OverdueAnnouncedAt = now;
        Touch();
        return true;
    }

    public void SetDates(DateOnly issueDate, DateOnly dueDate)
    {
        EnsureDraft();
        if (dueDate < issueDate)
            throw new DomainException("The due date cannot be before the issue date.");
        IssueDate = issueDate;
        DueDate = dueDate;
        Touch();
    }

    /// <summary>The period the invoice bills, both days included; printed on it and carried in its e-invoice.</summary>
    public void SetPeriod(DateOnly start, DateOnly end)
    {
        EnsureDraft();
        if (end < start)
            throw new DomainException("A billing period cannot end before it starts.");
        PeriodStart = start;
        PeriodEnd = end;
        Touch();
    }

    public void SetDetails(string? reference, string? notes, PaymentMethods methodsAllowed)
    {
        EnsureDraft();
        if (reference?.Length > 100)
            throw new DomainException("A reference has at most 100 characters.");
        if (notes?.Length > 2000)
            throw new DomainException("Notes have at most 2000 characters.");
        Reference = string.IsNullOrWhiteSpace(reference) ? null : reference.Trim();
        Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim();
        MethodsAllowed = methodsAllowed;
        Touch();
    }

    public void ReplaceLines(IEnumerable<InvoiceLineInput> lines)
    {
        EnsureDraft();
        var built = lines.Select((line, index) => new InvoiceLine(index + 1, line)).ToList();
        if (built.Count > 200)
            throw new DomainException("An invoice has at most 200 lines.");
        _lines.Clear();
        _lines.AddRange(built);
        SubtotalMinor = checked(built.Sum(l => l.NetMinor));
        TaxMinor = checked(built.Sum(l => l.TaxMinor));
        TotalMinor = checked(SubtotalMinor + TaxMinor);
        Touch();
    }

    /// <summary>
    /// Issues the draft with the number the firm gives it. From now on it is read-only. Refused when the client lacks
    /// a mention the law asks for on its invoices (<see cref="ClientAccount.EnsureCanBeInvoiced"/>).
    /// </summary>
    public void Issue(Firm firm, ClientAccount client, DateTimeOffset now)
    {
        EnsureDraft();
        if (firm.Id != FirmId)
            throw new DomainException("An invoice is issued by its own firm.");
        if (client.Id != ClientAccountId)
            throw new DomainException("An invoice is issued to its own client.");
        if (_lines.Count == 0)
            throw new DomainException("An invoice needs at least one line before it is issued.");
        if (TotalMinor <= 0)
            throw new DomainException("An invoice's total must be more than zero to be issued.");
        client.EnsureCanBeInvoiced();
        Number = firm.TakeInvoiceNumber();
        Status = InvoiceStatus.Open;
        IssuedAt = now;
        Touch();
    }

    /// <summary>Cancels an issued invoice that nothing has been paid or started on. Its number stays used.</summary>
    public void Void(string reason, DateTimeOffset now)
    {
        if (Status == InvoiceStatus.Void)
            throw new DomainException("This invoice is already void.");
        if (Status == InvoiceStatus.Draft)
            throw new DomainException("A draft is deleted, not voided.");
        if (PaidMinor != 0 || PendingMinor != 0)
            throw new DomainException("An invoice with payments (or payments in progress) cannot be voided; refund them first.");
        if (CreditedMinor != 0)
            throw new DomainException("An invoice with a credit note cannot be voided.");
        reason = reason.Trim();
        if (reason.Length is 0 or > 500)
            throw new DomainException("Give a reason for voiding (at most 500 characters).");
        Status = InvoiceStatus.Void;
        VoidedAt = now;
        VoidReason = reason;
        Touch();
    }

    /// <summary>Applies received money to this invoice. Overpayment is the caller's to route to the wallet.</summary>
    public void ApplyPayment(Money amount)
    {
        EnsureCurrency(amount);
        if (!AcceptsPayment)
            throw new DomainException(Status switch
            {
                InvoiceStatus.Draft => "A draft invoice cannot be paid.",
                InvoiceStatus.Void => "A void invoice cannot be paid.",
                InvoiceStatus.Paid => "This invoice is already paid.",
                InvoiceStatus.Open or InvoiceStatus.PartiallyPaid => "This invoice cannot be paid now.",
            });
        if (!amount.IsPositive)
            throw new DomainException("An amount applied to an invoice must be more than zero.");
        if (amount > AmountDue)
            throw new DomainException($"{amount} is more than the {AmountDue} due on {Number}.");
        PaidMinor += amount.Minor;
        Status = AmountDue.IsZero ? InvoiceStatus.Paid : InvoiceStatus.PartiallyPaid;
        Touch();
    }

    /// <summary>
    /// Issues a credit note for <paramref name="amount"/> of the money paid on this invoice: the amount owed and
    /// the amount paid both drop by it (so what is due does not change) and the client keeps it as credit.
    /// Returns the net and tax parts to take back from revenue and tax. The tax part is rounded on the running
    /// total credited, so several credit notes never take back more tax than the invoice charged.
    /// </summary>
    public CreditedAmount ConvertPaidToCredit(Money amount)
    {
        EnsureCurrency(amount);
        if (!IsIssued)
            throw new DomainException("Only an issued invoice can be credited.");
        if (!amount.IsPositive)
            throw new DomainException("A credit note must be for more than zero.");
        if (amount.Minor > PaidMinor)
            throw new DomainException($"Cannot credit {amount} on {Number}: only {Paid} was paid.");
        var parts = TakeCredit(amount);
        PaidMinor -= amount.Minor;
        Status = AmountDue.IsZero ? InvoiceStatus.Paid : PaidMinor == 0 ? InvoiceStatus.Open : InvoiceStatus.PartiallyPaid;
        Touch();
        return parts;
    }

    /// <summary>
    /// Writes off <paramref name="amount"/> of what is still due: the firm gives up collecting it, so what the
    /// invoice asks for drops by exactly that amount and nothing is paid or credited to the client. Only an open
    /// (or part-paid) invoice, never more than is due, nor money already being collected. Returns the net and tax
    /// parts, taken from tax on the running total as <see cref="ConvertPaidToCredit"/> does.
    /// </summary>
    public CreditedAmount WriteOff(Money amount, string reason)
    {
        EnsureCurrency(amount);
        if (!AcceptsPayment)
            throw new DomainException(Status switch
            {
                InvoiceStatus.Draft => "A draft invoice cannot be written off; delete it instead.",
                InvoiceStatus.Void => "A void invoice cannot be written off.",
                InvoiceStatus.Paid => "This invoice is paid: nothing is left to write off.",
                InvoiceStatus.Open or InvoiceStatus.PartiallyPaid => "This invoice cannot be written off now.",
            });
        if (!amount.IsPositive)
            throw new DomainException("An amount written off must be more than zero.");
        if (amount > AmountDue)
            throw new DomainException($"{amount} is more than the {AmountDue} due on {Number}.");
        if (amount > AmountPayable)
            throw new DomainException($"{Pending} of {Number} is being collected: at most {AmountPayable} can be written off until that payment arrives or fails.");
        reason = reason.Trim();
        if (reason.Length is 0 or > 500)
            throw new DomainException("Give a reason for the write-off (at most 500 characters).");
        var parts = TakeCredit(amount);
        Status = AmountDue.IsZero ? InvoiceStatus.Paid : PaidMinor == 0 ? InvoiceStatus.Open : InvoiceStatus.PartiallyPaid;
        Touch();
        return parts;
    }

    /// <summary>The net and tax of each tax rate on this invoice, in order of rate.</summary>
    public IReadOnlyList<TaxRateAmounts> TaxByRate() => _lines
        .GroupBy(l => l.TaxRateBasisPoints)
        .OrderBy(g => g.Key)
        .Select(g => new TaxRateAmounts(g.Key, new Money(g.Sum(l => l.NetMinor), Currency), new Money(g.Sum(l => l.TaxMinor), Currency)))
        .ToList();

    private CreditedAmount TakeCredit(Money amount)
    {
        var creditedAfter = CreditedMinor + amount.Minor;
        if (creditedAfter > TotalMinor)
            throw new DomainException($"Credit notes on {Number} cannot add up to more than its total of {Total}.");
        var taxCreditedAfter = RoundHalfAwayFromZero((Int128)TaxMinor * creditedAfter, TotalMinor);
        var tax = new Money(taxCreditedAfter - CreditedTaxMinor, Currency);
        CreditedMinor = creditedAfter;
        CreditedTaxMinor = taxCreditedAfter;
        return new CreditedAmount(amount - tax, tax);
    }

    /// <summary>Takes back money that was applied (a failed debit, a chargeback, a refund): the invoice reopens.</summary>
    public void ReversePayment(Money amount)
    {
        EnsureCurrency(amount);
        if (!amount.IsPositive || amount.Minor > PaidMinor)
            throw new DomainException($"Cannot take back {amount} from {Number}: only {Paid} was paid.");
        PaidMinor -= amount.Minor;
        if (Status != InvoiceStatus.Void)
            Status = PaidMinor == 0 ? InvoiceStatus.Open : InvoiceStatus.PartiallyPaid;
        Touch();
    }

    /// <summary>Marks money as in flight towards this invoice so that no second collection is started for it.</summary>
    public void AddPending(Money amount)
    {
        EnsureCurrency(amount);
        if (!AcceptsPayment)
            throw new DomainException("This invoice does not accept payment now.");
        if (!amount.IsPositive || amount > AmountPayable)
            throw new DomainException($"{amount} is more than the {AmountPayable} that can still be paid on {Number}.");
        PendingMinor += amount.Minor;
        Touch();
    }

    public void ReleasePending(Money amount)
    {
        EnsureCurrency(amount);
        if (!amount.IsPositive || amount.Minor > PendingMinor)
            throw new DomainException($"Cannot release {amount} from {Number}: only {Pending} is pending.");
        PendingMinor -= amount.Minor;
        Touch();
    }

    private void EnsureDraft()
    {
        if (Status != InvoiceStatus.Draft)
            throw new DomainException("An issued invoice cannot be edited; void it and issue a new one.");
    }

    private void EnsureCurrency(Money amount)
    {
        if (amount.Currency != Currency)
            throw new DomainException($"This invoice is in {Currency}; {amount.Currency} cannot be applied to it.");
    }

    private static long RoundHalfAwayFromZero(Int128 numerator, long denominator)
    {
        var quotient = numerator / denominator;
        var remainder = numerator % denominator;
        if (Int128.Abs(remainder) * 2 >= denominator)
            quotient += Int128.Sign(numerator);
        return (long)quotient;
    }

    private void Touch() => Version = Guid.NewGuid();
}

/// <summary>The parts of an amount credited on an invoice: net to take back from revenue, tax to take back from tax.</summary>
public readonly record struct CreditedAmount(Money Net, Money Tax)
{
    public Money Total => Net + Tax;
}

/// <summary>What an invoice (or a credit note) holds at one tax rate, in basis points (2000 is 20%).</summary>
public readonly record struct TaxRateAmounts(int TaxRateBasisPoints, Money Net, Money Tax)
{
    public Money Total => Net + Tax;
}
