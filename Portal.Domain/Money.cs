namespace Portal.Domain;

/// <summary>
/// An exact amount of one currency, in its minor unit (cents, pence; yen for JPY).
/// Arithmetic between two currencies throws: converting is never implicit.
/// </summary>
public readonly record struct Money(long Minor, Currency Currency) : IComparable<Money>
{
    public static Money Zero(Currency currency) => new(0, currency);

    public bool IsZero => Minor == 0;
    public bool IsPositive => Minor > 0;
    public bool IsNegative => Minor < 0;

    public static Money operator +(Money a, Money b) => new(checked(a.Minor + b.Minor), SameCurrency(a, b));
    public static Money operator -(Money a, Money b) => new(checked(a.Minor - b.Minor), SameCurrency(a, b));
    public static Money operator -(Money a) => new(checked(-a.Minor), a.Currency);

    public static bool operator <(Money a, Money b) => a.CompareTo(b) < 0;
    public static bool operator >(Money a, Money b) => a.CompareTo(b) > 0;
    public static bool operator <=(Money a, Money b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Money a, Money b) => a.CompareTo(b) >= 0;

    public int CompareTo(Money other)
    {
        SameCurrency(this, other);
        return Minor.CompareTo(other.Minor);
    }

    public static Money Min(Money a, Money b) => a <= b ? a : b;
    public static Money Max(Money a, Money b) => a >= b ? a : b;

    /// <summary>
    /// A share of this amount given in basis points (1/100 of a percent), rounded half away from zero.
    /// 2000 bp of 10.05 EUR is 2.01 EUR.
    /// </summary>
    public Money Percent(int basisPoints)
    {
        var scaled = (Int128)Minor * basisPoints;
        var quotient = scaled / 10_000;
        var remainder = scaled % 10_000;
        if (Int128.Abs(remainder) * 2 >= 10_000)
            quotient += Int128.Sign(scaled);
        return new Money((long)quotient, Currency);
    }

    /// <summary>
    /// Splits this amount in proportion to <paramref name="weights"/> without losing or inventing a minor
    /// unit: each part gets its floor share, then the units left over go one each to the parts with the
    /// largest remainders (earliest part first on ties). The parts always add up to this amount.
    /// </summary>
    public IReadOnlyList<Money> Allocate(IReadOnlyList<long> weights)
    {
        if (weights.Count == 0)
            throw new DomainException("Cannot allocate an amount into no parts.");
        if (weights.Any(w => w < 0))
            throw new DomainException("Allocation weights cannot be negative.");
        var totalWeight = weights.Aggregate(Int128.Zero, (sum, w) => sum + w);
        if (totalWeight == 0)
            throw new DomainException("Allocation weights cannot all be zero.");

        var sign = Math.Sign(Minor);
        var magnitude = (Int128)Math.Abs(Minor);
        var parts = new long[weights.Count];
        var remainders = new Int128[weights.Count];
        Int128 given = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var share = magnitude * weights[i];
            parts[i] = (long)(share / totalWeight);
            remainders[i] = share % totalWeight;
            given += parts[i];
        }
        var leftOver = (long)(magnitude - given);
        foreach (var index in Enumerable.Range(0, weights.Count).OrderByDescending(i => remainders[i]).ThenBy(i => i).Take((int)leftOver))
            parts[index]++;

        var currency = Currency;
        return parts.Select(p => new Money(p * sign, currency)).ToArray();
    }

    /// <summary>Splits into <paramref name="count"/> parts as equal as possible, the first parts taking any extra unit.</summary>
    public IReadOnlyList<Money> Split(int count) =>
        count <= 0 ? throw new DomainException("Cannot split an amount into fewer than one part.") : Allocate(Enumerable.Repeat(1L, count).ToArray());

    /// <summary>For logs and tests: "12.34 EUR". People see amounts formatted by the UI for their culture.</summary>
    public override string ToString()
    {
        if (Currency.Exponent == 0)
            return $"{Minor} {Currency.Code}";
        var perMajor = Currency.MinorPerMajor;
        var sign = Minor < 0 ? "-" : "";
        var abs = Math.Abs(Minor);
        return $"{sign}{abs / perMajor}.{(abs % perMajor).ToString().PadLeft(Currency.Exponent, '0')} {Currency.Code}";
    }

    private static Currency SameCurrency(Money a, Money b) =>
        a.Currency == b.Currency
            ? a.Currency
            : throw new DomainException($"Cannot combine {a.Currency} and {b.Currency} amounts.");
}

public static class MoneyExtensions
{
    public static Money Sum(this IEnumerable<Money> amounts, Currency currency) =>
        amounts.Aggregate(Money.Zero(currency), (total, amount) => total + amount);
}
