using Portal.Domain;

namespace Portal.Providers.Stripe;

/// <summary>
/// The one place Money meets Stripe's amount format: an integer in the currency's smallest unit (as Money already
/// is) and a lowercase ISO code. Stripe's own zero-decimal and three-decimal rules match ISO 4217 exponents for the
/// currencies Portal offers.
/// </summary>
public static class StripeAmounts
{
    public static long ToStripeAmount(Money money) => money.Minor;

    public static string ToStripeCurrency(Currency currency) => currency.Code.ToLowerInvariant();

    public static Money FromStripe(long amount, string currency) => new(amount, Currency.FromCode(currency.ToUpperInvariant()));
}
