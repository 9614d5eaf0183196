using System.Globalization;
using Portal.Components.Shared;
using Portal.Domain;

namespace Portal.Tests.Components;

/// <summary>Dates and amounts in the reader's culture, one date style everywhere: never the US numeric short date.</summary>
public sealed class ReaderFormatTests
{
    private static readonly DateOnly TwentiethOfOctober = new(2026, 10, 20);

    [Theory]
    [InlineData("fr-FR", "20 oct. 2026")]
    [InlineData("en-GB", "20 Oct 2026")]
    // An English reader whose browser says en-US still reads the day first, as the European firms' documents do.
    [InlineData("en-US", "20 Oct 2026")]
    public void A_date_shows_day_abbreviated_month_and_year_in_the_readers_language(string culture, string expected) =>
        Spaced(DateFormat.Show(TwentiethOfOctober, CultureInfo.GetCultureInfo(culture))).ShouldBe(expected);

    [Theory]
    [InlineData("fr-FR", "EUR", "1 234,56 €")]
    [InlineData("fr-FR", "GBP", "1 234,56 £")]
    [InlineData("en-GB", "GBP", "£1,234.56")]
    [InlineData("en-GB", "EUR", "€1,234.56")]
    public void An_amount_shows_in_the_readers_culture_with_its_currencys_symbol(string culture, string currency, string expected) =>
        Spaced(MoneyFormat.Format(123_456, Currency.FromCode(currency), CultureInfo.GetCultureInfo(culture))).ShouldBe(expected);

    // French separates thousands (and, depending on the ICU version, the symbol) with non-breaking spaces; compared here as plain spaces.
    private static string Spaced(string text) => text.Replace('\u202F', ' ').Replace('\u00A0', ' ');
}
