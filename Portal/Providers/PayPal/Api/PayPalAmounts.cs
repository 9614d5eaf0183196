using System.Globalization;
using Portal.Domain;
using Portal.Domain.Payments;

namespace Portal.Providers.PayPal.Api;

// The one place where Money meets PayPal's amount format: {"currency_code":"EUR","value":"12.34"}, the value a
// decimal string with as many decimals as PayPal takes for the currency (JPY, HUF and TWD none). Exact both ways:
// digits are moved, never computed in floating point.
public static class PayPalAmounts
{
    public static PayPalMoney ToWire(Money money)
    {
        PayPalCurrencies.EnsureAccepts(money);
        if (!money.IsPositive)
            throw new ArgumentException($"A PayPal amount must be positive, not {money}.", nameof(money));
        var decimals = PayPalCurrencies.DecimalsOf(money.Currency);
        var units = money.Minor;
        for (var dropped = decimals; dropped < money.Currency.Exponent; dropped++)
            units /= 10;
        var digits = units.ToString(CultureInfo.InvariantCulture).PadLeft(decimals + 1, '0');
        var value = decimals == 0 ? digits : $"{digits[..^decimals]}.{digits[^decimals..]}";
        return new PayPalMoney(money.Currency.Code, value);
    }

    // PayPal's values for a currency have at most the currency's ISO decimals; more would be a fraction of a minor
    // unit, which cannot be booked, so it is refused rather than rounded.
    public static Money FromWire(PayPalMoney amount)
    {
        var currency = Currency.FromCode(amount.CurrencyCode);
        var text = amount.Value.Trim();
        var negative = text.StartsWith('-');
        if (negative)
            text = text[1..];
        var parts = text.Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 || !parts.All(p => p.All(char.IsAsciiDigit)))
            throw new FormatException($"'{amount.Value}' is not a PayPal amount.");
        var fraction = parts.Length == 2 ? parts[1] : "";
        if (fraction.Length > currency.Exponent)
        {
            if (fraction[currency.Exponent..].Any(d => d != '0'))
                throw new FormatException($"'{amount.Value}' has more decimals than {currency.Code} has.");
            fraction = fraction[..currency.Exponent];
        }

        var minor = checked(long.Parse(parts[0] + fraction.PadRight(currency.Exponent, '0'), NumberStyles.None, CultureInfo.InvariantCulture));
        return new Money(negative ? -minor : minor, currency);
    }
}
