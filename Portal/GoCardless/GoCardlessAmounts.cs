using System.Text.Json.Serialization;
using Portal.Domain;

namespace Portal.GoCardless;

// The one place where Money meets GoCardless's amount format: an integer in the currency's minor unit (pence,
// cents, öre) next to an upper-case ISO 4217 code. GoCardless only collects in the currencies of its schemes.
public static class GoCardlessAmounts
{
    public static readonly IReadOnlySet<string> SupportedCurrencies = new HashSet<string> { "AUD", "CAD", "DKK", "EUR", "GBP", "NZD", "SEK", "USD" };

    public static bool Supports(Currency currency) => SupportedCurrencies.Contains(currency.Code);

    internal static (long Amount, string Currency) ToWire(Money money)
    {
        if (!Supports(money.Currency))
        {
            throw new ArgumentException($"GoCardless cannot collect {money.Currency}; it supports {string.Join(", ", SupportedCurrencies)}.", nameof(money));
        }

        if (!money.IsPositive)
        {
            throw new ArgumentException($"A GoCardless amount must be positive, not {money}.", nameof(money));
        }

        return (money.Minor, money.Currency.Code);
    }

    internal static string ToWire(Currency currency) =>
        Supports(currency) ? currency.Code : throw new ArgumentException($"GoCardless has no direct debit scheme for {currency}.", nameof(currency));

    internal static Money FromWire(long amount, string? currency) => new(amount, Currency.FromCode(currency));

    // Payout items give minor units as text with one decimal place ("1000.0"); a fraction of a minor unit cannot
    // reach a bank, so anything but ".0" is a format this code does not understand and is refused, not rounded.
    internal static long FromFractionalText(string text)
    {
        var value = decimal.Parse(text, System.Globalization.NumberStyles.AllowLeadingSign | System.Globalization.NumberStyles.AllowDecimalPoint,
            System.Globalization.CultureInfo.InvariantCulture);
        return decimal.Truncate(value) == value ? (long)value : throw new FormatException($"'{text}' is not a whole number of minor units.");
    }
}

// A resource with an amount: GoCardless sends it as "amount" in minor units next to "currency"; callers see Money.
public abstract record GoCardlessResourceWithAmount
{
    [JsonIgnore]
    public Money Amount => InCurrency(WireAmount);

    [JsonInclude]
    [JsonPropertyName("amount")]
    internal long WireAmount { get; init; }

    [JsonInclude]
    [JsonPropertyName("currency")]
    internal string? WireCurrency { get; init; }

    // Another amount of the same resource (amount_refunded, deducted_fees), always in the resource's currency.
    private protected Money InCurrency(long amount) => GoCardlessAmounts.FromWire(amount, WireCurrency);
}
