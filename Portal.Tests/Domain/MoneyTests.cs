using Portal.Domain;

namespace Portal.Tests.Domain;

public class MoneyTests
{
    private static Money Eur(long minor) => new(minor, Currency.EUR);

    [Fact]
    public void Adds_and_subtracts_in_minor_units()
    {
        (Eur(1050) + Eur(275)).ShouldBe(Eur(1325));
        (Eur(1050) - Eur(2000)).ShouldBe(Eur(-950));
        (-Eur(10)).ShouldBe(Eur(-10));
        new[] { Eur(1), Eur(2), Eur(3) }.Sum(Currency.EUR).ShouldBe(Eur(6));
        Money.Min(Eur(5), Eur(3)).ShouldBe(Eur(3));
        Money.Max(Eur(5), Eur(3)).ShouldBe(Eur(5));
        (Eur(5) > Eur(3)).ShouldBeTrue();
    }

    [Fact]
    public void Mixing_currencies_throws()
    {
        var jpy = new Money(100, Currency.JPY);
        Should.Throw<DomainException>(() => Eur(100) + jpy);
        Should.Throw<DomainException>(() => Eur(100) - jpy);
        Should.Throw<DomainException>(() => Eur(100) < jpy);
        Should.Throw<DomainException>(() => new[] { Eur(1), jpy }.Sum(Currency.EUR));
    }

    [Fact]
    public void Overflow_throws_instead_of_wrapping()
    {
        Should.Throw<OverflowException>(() => Eur(long.MaxValue) + Eur(1));
    }

    [Theory]
    [InlineData(1005, 2000, 201)]   // 201.0 exactly
    [InlineData(1003, 2000, 201)]   // 200.6 → 201
    [InlineData(1002, 2000, 200)]   // 200.4 → 200
    [InlineData(25, 2000, 5)]
    [InlineData(1, 5000, 1)]        // 0.5 → 1, half away from zero
    [InlineData(-1, 5000, -1)]      // -0.5 → -1
    [InlineData(-1003, 2000, -201)]
    [InlineData(12345, 0, 0)]
    [InlineData(12345, 10_000, 12345)]
    public void Percent_rounds_half_away_from_zero(long minor, int basisPoints, long expected) =>
        Eur(minor).Percent(basisPoints).ShouldBe(Eur(expected));

    [Fact]
    public void Allocate_splits_by_weight_with_leftover_to_largest_remainders()
    {
        Eur(100).Allocate([1, 1, 1]).ShouldBe([Eur(34), Eur(33), Eur(33)]);
        Eur(5).Allocate([3, 7]).ShouldBe([Eur(2), Eur(3)]); // 1.5 / 3.5: tie, earliest gets it
        Eur(-100).Allocate([1, 1, 1]).ShouldBe([Eur(-34), Eur(-33), Eur(-33)]);
        Eur(10).Allocate([0, 1]).ShouldBe([Eur(0), Eur(10)]);
    }

    [Fact]
    public void Allocate_refuses_bad_weights()
    {
        Should.Throw<DomainException>(() => Eur(10).Allocate([]));
        Should.Throw<DomainException>(() => Eur(10).Allocate([1, -1]));
        Should.Throw<DomainException>(() => Eur(10).Allocate([0, 0]));
        Should.Throw<DomainException>(() => Eur(10).Split(0));
    }

    [Fact]
    public void Allocate_and_split_never_lose_or_invent_a_minor_unit()
    {
        var random = new Random(20250303);
        for (var i = 0; i < 5000; i++)
        {
            var amount = Eur(random.NextInt64(-10_000_000_000, 10_000_000_000));
            var weights = Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.NextInt64(0, random.Next(2) == 0 ? 10 : 1_000_000_000)).ToArray();
            if (weights.All(w => w == 0))
                weights[0] = 1;

            var parts = amount.Allocate(weights);
            parts.Count.ShouldBe(weights.Length);
            parts.Sum(Currency.EUR).ShouldBe(amount);
            // Each part is within one minor unit of its exact share, and has the sign of the amount.
            var totalWeight = weights.Aggregate(Int128.Zero, (s, w) => s + w);
            for (var p = 0; p < parts.Count; p++)
            {
                var exactTimesTotal = (Int128)amount.Minor * weights[p];
                Int128.Abs((Int128)parts[p].Minor * totalWeight - exactTimesTotal).ShouldBeLessThan(totalWeight);
                (parts[p].Minor == 0 || Math.Sign(parts[p].Minor) == Math.Sign(amount.Minor)).ShouldBeTrue();
            }

            var count = random.Next(1, 50);
            var split = amount.Split(count);
            split.Sum(Currency.EUR).ShouldBe(amount);
            (split.Max(m => m.Minor) - split.Min(m => m.Minor)).ShouldBeLessThanOrEqualTo(1);
        }
    }

    [Theory]
    [InlineData("JPY", 1234, "1234 JPY")]
    [InlineData("JPY", -5, "-5 JPY")]
    [InlineData("EUR", 1234, "12.34 EUR")]
    [InlineData("EUR", 5, "0.05 EUR")]
    [InlineData("EUR", -105, "-1.05 EUR")]
    [InlineData("EUR", 0, "0.00 EUR")]
    [InlineData("KWD", 1234, "1.234 KWD")]
    [InlineData("KWD", 7, "0.007 KWD")]
    [InlineData("KWD", -10_050, "-10.050 KWD")]
    public void ToString_uses_the_currency_exponent(string code, long minor, string expected) =>
        new Money(minor, Currency.FromCode(code)).ToString().ShouldBe(expected);
}
