using System.Globalization;
using Portal.Domain;

namespace Portal.Components.Shared;

/// <summary>
/// The only place amounts meet people: formatting for a culture, and reading what someone typed.
/// Everywhere else an amount is <see cref="Money"/> in minor units.
/// </summary>
public static class MoneyFormat
{
    private static readonly Dictionary<string, string> Symbols = new()
    {
        ["EUR"] = "€", ["GBP"] = "£", ["USD"] = "$", ["JPY"] = "¥", ["CHF"] = "CHF", ["CAD"] = "CA$", ["AUD"] = "A$",
    };

    public static string Format(Money money, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = Symbols.GetValueOrDefault(money.Currency.Code, money.Currency.Code);
        format.CurrencyDecimalDigits = money.Currency.Exponent;
        return ToMajor(money).ToString("C", format);
    }

    public static string Format(long minor, Currency currency, CultureInfo? culture = null) => Format(new Money(minor, currency), culture);

    /// <summary>The amount as a decimal number of major units, for an input field.</summary>
    public static decimal ToMajor(Money money) => (decimal)money.Minor / money.Currency.MinorPerMajor;

    /// <summary>Reads an amount typed in major units; refuses more decimals than the currency has.</summary>
    public static bool TryFromMajor(decimal major, Currency currency, out Money money)
    {
        money = default;
        if (decimal.Round(major, currency.Exponent) != major || Math.Abs(major) > 1_000_000_000m)
            return false;
        money = new Money((long)(major * currency.MinorPerMajor), currency);
        return true;
    }

    public static decimal PercentFromBasisPoints(int basisPoints) => basisPoints / 100m;

    public static int BasisPointsFromPercent(decimal percent) => (int)decimal.Round(percent * 100m, 0, MidpointRounding.AwayFromZero);
}
