namespace Portal.Domain.Invoices;

/// <summary>What an invoice line supplies: French VAT falls due differently for goods (on delivery) and services (on payment).</summary>
public enum SupplyKind
{
    Service = 0,
    Goods = 1,
}

/// <summary>What the invoice as a whole supplies (the letter of BT-23).</summary>
public enum SupplyMix
{
    Goods,
    Services,
    Mixed,
}

/// <summary>
/// The category of operation of an invoice (BT-23, mandatory in France since 1 September 2026): B goods, S services,
/// M mixed; 1 for a plain invoice, 2 when it is already paid in full when issued (its prepaid amount is then its
/// total and nothing is due).
/// </summary>
public readonly record struct OperationCategory(SupplyMix Mix, bool PaidAtIssue)
{
    /// <summary>The code carried in the CII: B1, S1, M1, B2, S2, M2.</summary>
    public string Code => Mix switch
    {
        SupplyMix.Goods => "B",
        SupplyMix.Services => "S",
        SupplyMix.Mixed => "M",
        _ => throw new InvalidOperationException("Unknown supply mix."),
    } + (PaidAtIssue ? "2" : "1");

    /// <summary>Goods only make B, services only S, both M. An invoice without lines has no category.</summary>
    public static OperationCategory Of(IEnumerable<SupplyKind> lineKinds, bool paidAtIssue)
    {
        var kinds = lineKinds.Distinct().ToList();
        if (kinds.Count == 0)
            throw new DomainException("An invoice needs at least one line to have a category of operation.");
        var mix = kinds.Count > 1 ? SupplyMix.Mixed : kinds[0] == SupplyKind.Goods ? SupplyMix.Goods : SupplyMix.Services;
        return new OperationCategory(mix, paidAtIssue);
    }

    public override string ToString() => Code;
}

public sealed partial class Invoice
{
    /// <summary>
    /// The category of operation from the lines. <paramref name="paidInFullOn"/> is the day the last money settling the
    /// invoice arrived, when nothing is due any more: on or before the issue date, the invoice was paid when issued.
    /// </summary>
    public OperationCategory Category(DateOnly? paidInFullOn = null) =>
        OperationCategory.Of(_lines.Select(l => l.Kind), paidInFullOn is { } day && AmountDue.IsZero && IsIssued && day <= IssueDate);
}
