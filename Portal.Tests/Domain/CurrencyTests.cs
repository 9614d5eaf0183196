using Portal.Domain;

namespace Portal.Tests.Domain;

public class CurrencyTests
{
    [Theory]
    [InlineData("EUR", 2, 100)]
    [InlineData("eur", 2, 100)]
    [InlineData(" gbp ", 2, 100)]
    [InlineData("JPY", 0, 1)]
    [InlineData("KRW", 0, 1)]
    [InlineData("KWD", 3, 1000)]
    [InlineData("BHD", 3, 1000)]
    public void Known_codes_resolve_with_their_exponent(string code, int exponent, long minorPerMajor)
    {
        var currency = Currency.FromCode(code);
        currency.Code.ShouldBe(code.Trim().ToUpperInvariant());
        currency.Exponent.ShouldBe(exponent);
        currency.MinorPerMajor.ShouldBe(minorPerMajor);
    }

    [Theory]
    [InlineData("XXX")]
    [InlineData("EURO")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_code_is_refused(string? code)
    {
        Should.Throw<DomainException>(() => Currency.FromCode(code));
        Currency.TryFromCode(code, out var currency).ShouldBeFalse();
        currency.IsUnset.ShouldBeTrue();
    }

    [Fact]
    public void The_list_of_currencies_is_sorted_and_unique()
    {
        Currency.All.Select(c => c.Code).ShouldBe(Currency.All.Select(c => c.Code).Order(StringComparer.Ordinal));
        Currency.All.Select(c => c.Code).Distinct().Count().ShouldBe(Currency.All.Count);
        Currency.All.ShouldContain(Currency.EUR);
        Currency.FromCode("jpy").ShouldBe(Currency.JPY);
    }
}
