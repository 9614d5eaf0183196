namespace Portal.Domain.Invoices;

/// <summary>What a line asks for; the invoice turns it into an <see cref="InvoiceLine"/> with exact amounts.</summary>
public sealed record InvoiceLineInput(string Description, decimal Quantity, long UnitPriceMinor, int TaxRateBasisPoints, SupplyKind Kind = SupplyKind.Service);

/// <summary>
/// One line of an invoice. Rounding rule (the only one in Portal): the line's net is quantity × unit price
/// rounded half away from zero to the minor unit, its tax is net × rate rounded the same way, and the
/// invoice's totals are the sums of those rounded line figures. So what a client sees per line always adds up.
/// </summary>
public sealed class InvoiceLine
{
    public const int MaxQuantityDecimals = 3;

    private InvoiceLine() { }

    internal InvoiceLine(int position, InvoiceLineInput input)
    {
        var description = input.Description.Trim();
        if (description.Length is 0 or > 500)
            throw new DomainException($"Line {position}: a description of 1 to 500 characters is needed.");
        if (input.Quantity <= 0 || input.Quantity > 1_000_000)
            throw new DomainException($"Line {position}: the quantity must be more than zero (and at most 1,000,000).");
        if (decimal.Round(input.Quantity, MaxQuantityDecimals) != input.Quantity)
            throw new DomainException($"Line {position}: the quantity has at most {MaxQuantityDecimals} decimals.");
        if (input.UnitPriceMinor < 0)
            throw new DomainException($"Line {position}: the unit price cannot be negative.");
        if (input.UnitPriceMinor > 1_000_000_000_000)
            throw new DomainException($"Line {position}: the unit price is too large.");
        if (input.TaxRateBasisPoints is < 0 or > 10_000)
            throw new DomainException($"Line {position}: the tax rate must be between 0% and 100%.");
        if (!Enum.IsDefined(input.Kind))
            throw new DomainException($"Line {position}: say whether the line supplies goods or a service.");

        Id = Guid.CreateVersion7();
        Position = position;
        Description = description;
        Quantity = input.Quantity;
        UnitPriceMinor = input.UnitPriceMinor;
        TaxRateBasisPoints = input.TaxRateBasisPoints;
        Kind = input.Kind;
        NetMinor = (long)decimal.Round(input.Quantity * input.UnitPriceMinor, 0, MidpointRounding.AwayFromZero);
        TaxMinor = (long)decimal.Round(NetMinor * (decimal)input.TaxRateBasisPoints / 10_000m, 0, MidpointRounding.AwayFromZero);
    }

    public Guid Id { get; private set; }
    public int Position { get; private set; }
    public string Description { get; private set; } = "";
    /// <summary>A count, not an amount: hours or units, up to three decimals.</summary>
    public decimal Quantity { get; private set; }
    public long UnitPriceMinor { get; private set; }
    /// <summary>Tax rate in basis points: 2000 is 20%.</summary>
    public int TaxRateBasisPoints { get; private set; }
    /// <summary>Goods or a service: decides the invoice's category of operation. Lines made before it was asked are services.</summary>
    public SupplyKind Kind { get; private set; }
    public long NetMinor { get; private set; }
    public long TaxMinor { get; private set; }
    public long TotalMinor => NetMinor + TaxMinor;

    /// <summary>The line as it would be on an invoice, for showing totals while a draft is edited.</summary>
    public static InvoiceLine Preview(int position, InvoiceLineInput input) => new(position, input);

    public InvoiceLineInput ToInput() => new(Description, Quantity, UnitPriceMinor, TaxRateBasisPoints, Kind);
}
