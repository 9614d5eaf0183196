namespace Portal.Sandbox.Stripe;

// A plausible, deterministic processing fee: 1.5% + 25 for EEA/UK currencies, 2.9% + 30 otherwise,
// rounded half up in integer minor units.
internal static class StripeFees
{
    public const long DisputeFee = 1500;

    public static long ProcessingFee(long amount, string currency) => currency.ToLowerInvariant() switch
    {
        "eur" or "gbp" => Percent(amount, tenthsOfPercent: 15) + 25,
        _ => Percent(amount, tenthsOfPercent: 29) + 30,
    };

    private static long Percent(long amount, long tenthsOfPercent) => ((amount * tenthsOfPercent) + 500) / 1000;
}
