using System.Collections.Frozen;

namespace Portal.Domain.Payments;

/// <summary>
/// Which invoice currencies a client can pay with PayPal, and how many decimals PayPal takes in each. PayPal's list
/// is its own, not ISO 4217's: it takes HUF and TWD only in whole units although both have cents, and it takes BRL,
/// MYR and CNY only between accounts registered in Brazil, Malaysia and China, which a firm's invoice cannot promise.
/// </summary>
public static class PayPalCurrencies
{
    // Code → decimal places PayPal accepts in an amount's value.
    private static readonly FrozenDictionary<string, int> Accepted = new Dictionary<string, int>
    {
        ["AUD"] = 2, ["CAD"] = 2, ["CHF"] = 2, ["CZK"] = 2, ["DKK"] = 2, ["EUR"] = 2, ["GBP"] = 2, ["HKD"] = 2,
        ["ILS"] = 2, ["MXN"] = 2, ["NOK"] = 2, ["NZD"] = 2, ["PHP"] = 2, ["PLN"] = 2, ["SEK"] = 2, ["SGD"] = 2,
        ["THB"] = 2, ["USD"] = 2,
        ["JPY"] = 0, ["HUF"] = 0, ["TWD"] = 0,
    }.ToFrozenDictionary();

    private static readonly FrozenSet<string> OnlyWithinTheirCountry = new[] { "BRL", "CNY", "MYR" }.ToFrozenSet();

    public static IReadOnlyCollection<string> AcceptedCodes => Accepted.Keys;

    public static bool Accepts(Currency currency) => !currency.IsUnset && Accepted.ContainsKey(currency.Code);

    /// <summary>Decimal places PayPal takes for <paramref name="currency"/>: 2 for EUR, 0 for JPY, HUF and TWD.</summary>
    public static int DecimalsOf(Currency currency)
    {
        EnsureAccepts(currency);
        return Accepted[currency.Code];
    }

    /// <summary>Refuses a currency PayPal does not take, saying why, so a page can say it before the client is sent away.</summary>
    public static void EnsureAccepts(Currency currency)
    {
        if (Accepts(currency))
            return;
        if (OnlyWithinTheirCountry.Contains(currency.Code))
            throw new DomainException($"PayPal takes {currency.Code} only between PayPal accounts registered in that currency's own country, so invoices in {currency.Code} cannot be paid with PayPal.");
        throw new DomainException($"PayPal does not take payments in {currency.Code}, so invoices in this currency cannot be paid with PayPal.");
    }

    /// <summary>Refuses an amount PayPal cannot be asked for: a currency it does not take, or a fraction it does not take.</summary>
    public static void EnsureAccepts(Money amount)
    {
        var decimals = DecimalsOf(amount.Currency);
        if (decimals < amount.Currency.Exponent && amount.Minor % Pow10(amount.Currency.Exponent - decimals) != 0)
            throw new DomainException($"PayPal takes {amount.Currency.Code} in whole units only, so {amount} cannot be paid with PayPal.");
    }

    private static long Pow10(int power)
    {
        long result = 1;
        for (var i = 0; i < power; i++)
            result *= 10;
        return result;
    }
}
