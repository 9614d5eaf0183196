using Portal.Domain.Firms;
using Portal.Domain.Ledger;

namespace Portal.Domain.Invoices;

/// <summary>Why a credit note was issued.</summary>
public enum CreditNoteKind
{
    /// <summary>An issued invoice cancelled in full.</summary>
    InvoiceVoided,
    /// <summary>Money a payment put on the invoice kept as the client's credit (decision 0015: the invoice is due again).</summary>
    KeptAsCredit,
    /// <summary>Part of what is due given up by the firm: what the invoice asks for drops by it.</summary>
    WrittenOff,
}

/// <summary>
/// A firm's gapless sequence of credit-note numbers, apart from its invoice numbers (docs/decisions/0019). Only
/// issuing a credit note moves it, in the same database transaction, with the row locked, so numbers have no gaps
/// and never repeat.
/// </summary>
public sealed class CreditNoteSequence : ITenantOwned
{
    public const string DefaultPrefix = "AV-";

    private CreditNoteSequence() { }

    public CreditNoteSequence(Guid firmId)
    {
        FirmId = firmId == Guid.Empty ? throw new ArgumentException("A sequence belongs to a firm.", nameof(firmId)) : firmId;
    }

    public Guid FirmId { get; private set; }
    public string Prefix { get; private set; } = DefaultPrefix;
    /// <summary>The number the next credit note takes.</summary>
    public int Next { get; private set; } = 1;

    /// <summary>Takes the next number. Call only when a credit note is issued, in the same transaction.</summary>
    public string Take()
    {
        var number = $"{Prefix}{Next:D5}";
        Next++;
        return number;
    }
}

/// <summary>
/// A credit note (avoir): a numbered document that corrects one issued invoice, for an amount with its tax per rate,
/// a reason and a date, and the ledger transaction that posts it. Issued only through <see cref="InvoiceBooking"/> and
/// the refund rules, never edited.
/// </summary>
public sealed class CreditNote : IClientOwned
{
    private readonly List<CreditNoteLine> _lines = [];

    private CreditNote() { }

    private CreditNote(Invoice invoice, string number, CreditNoteKind kind, Money total, string reason, LedgerTransaction transaction, IEnumerable<TaxRateAmounts> rates, BusinessCalendar calendar)
    {
        if (invoice.Number is null)
            throw new DomainException("Only an issued invoice can be credited.");
        if (transaction.FirmId != invoice.FirmId)
            throw new ArgumentException("A credit note is posted in its invoice's firm.", nameof(transaction));
        Id = Guid.CreateVersion7();
        FirmId = invoice.FirmId;
        ClientAccountId = invoice.ClientAccountId;
        InvoiceId = invoice.Id;
        InvoiceNumber = invoice.Number;
        Number = number;
        Kind = kind;
        IssuedAt = transaction.OccurredAt;
        Date = calendar.DayOf(transaction.OccurredAt);
        Currency = invoice.Currency;
        TotalMinor = total.Minor;
        Reason = reason.Trim();
        LedgerTransactionId = transaction.Id;
        _lines.AddRange(rates.Where(r => !r.Total.IsZero).Select(r => new CreditNoteLine(Id, FirmId, r)));
        TaxMinor = _lines.Sum(l => l.TaxMinor);
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    public Guid InvoiceId { get; private set; }
    /// <summary>The corrected invoice's number, kept on the document as it was printed.</summary>
    public string InvoiceNumber { get; private set; } = "";
    /// <summary>From the firm's credit-note sequence: <c>AV-00001</c>.</summary>
    public string Number { get; private set; } = "";
    public CreditNoteKind Kind { get; private set; }
    public DateOnly Date { get; private set; }
    public DateTimeOffset IssuedAt { get; private set; }
    public Currency Currency { get; private set; }
    public long TotalMinor { get; private set; }
    /// <summary>The tax taken back; zero for credit kept from a payment, which takes back no revenue (decision 0015).</summary>
    public long TaxMinor { get; private set; }
    public string Reason { get; private set; } = "";
    public Guid LedgerTransactionId { get; private set; }
    public IReadOnlyList<CreditNoteLine> Lines => _lines;

    public Money Total => new(TotalMinor, Currency);
    public Money Tax => new(TaxMinor, Currency);
    public Money Net => Total - Tax;

    /// <summary>The credit note cancelling a voided invoice in full: every rate as the invoice charged it.</summary>
    public static CreditNote ForVoid(Invoice invoice, CreditNoteSequence sequence, LedgerTransaction voided, BusinessCalendar calendar)
    {
        if (invoice.Status != InvoiceStatus.Void)
            throw new DomainException("This invoice is not void.");
        return new CreditNote(invoice, Take(sequence, invoice), CreditNoteKind.InvoiceVoided, invoice.Total, invoice.VoidReason ?? "", voided, invoice.TaxByRate(), calendar);
    }

    /// <summary>
    /// The credit note for money kept as the client's credit. Revenue and tax are untouched (the invoice is due again),
    /// so it carries no tax lines: it documents the credit the client now holds against that invoice.
    /// </summary>
    public static CreditNote ForKeptAsCredit(Invoice invoice, CreditNoteSequence sequence, Money amount, string reason, LedgerTransaction keptAsCredit, BusinessCalendar calendar) =>
        new(invoice, Take(sequence, invoice), CreditNoteKind.KeptAsCredit, amount, reason, keptAsCredit, [], calendar);

    /// <summary>The credit note for a write-off: the net and tax taken back, spread over the invoice's rates.</summary>
    public static CreditNote ForWriteOff(Invoice invoice, CreditNoteSequence sequence, CreditedAmount parts, string reason, LedgerTransaction writtenOff, BusinessCalendar calendar) =>
        new(invoice, Take(sequence, invoice), CreditNoteKind.WrittenOff, parts.Total, reason, writtenOff, Spread(invoice.TaxByRate(), parts), calendar);

    /// <summary>
    /// Spreads a net and a tax amount over the invoice's rates in proportion to each rate's net and tax; the last
    /// rate takes what rounding leaves, so the lines add up exactly to the amounts posted.
    /// </summary>
    public static IReadOnlyList<TaxRateAmounts> Spread(IReadOnlyList<TaxRateAmounts> rates, CreditedAmount parts)
    {
        var currency = parts.Net.Currency;
        var totalNet = rates.Sum(r => r.Net.Minor);
        var totalTax = rates.Sum(r => r.Tax.Minor);
        var result = new List<TaxRateAmounts>();
        long netLeft = parts.Net.Minor, taxLeft = parts.Tax.Minor;
        for (var i = 0; i < rates.Count; i++)
        {
            var last = i == rates.Count - 1;
            var net = last ? netLeft : Share(parts.Net.Minor, rates[i].Net.Minor, totalNet);
            var tax = last ? taxLeft : Share(parts.Tax.Minor, rates[i].Tax.Minor, totalTax);
            netLeft -= net;
            taxLeft -= tax;
            result.Add(new TaxRateAmounts(rates[i].TaxRateBasisPoints, new Money(net, currency), new Money(tax, currency)));
        }
        return result;
    }

    private static long Share(long amount, long part, long whole) => whole == 0 ? 0 : (long)((Int128)amount * part / whole);

    private static string Take(CreditNoteSequence sequence, Invoice invoice) =>
        sequence.FirmId == invoice.FirmId ? sequence.Take() : throw new DomainException("A credit note is numbered by its own firm.");
}

/// <summary>One tax rate of a credit note: the net and tax it takes back at that rate.</summary>
public sealed class CreditNoteLine
{
    private CreditNoteLine() { }

    internal CreditNoteLine(Guid creditNoteId, Guid firmId, TaxRateAmounts amounts)
    {
        Id = Guid.CreateVersion7();
        CreditNoteId = creditNoteId;
        FirmId = firmId;
        TaxRateBasisPoints = amounts.TaxRateBasisPoints;
        NetMinor = amounts.Net.Minor;
        TaxMinor = amounts.Tax.Minor;
    }

    public Guid Id { get; private set; }
    public Guid CreditNoteId { get; private set; }
    public Guid FirmId { get; private set; }
    public int TaxRateBasisPoints { get; private set; }
    public long NetMinor { get; private set; }
    public long TaxMinor { get; private set; }
}
