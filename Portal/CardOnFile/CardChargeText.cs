using Microsoft.Extensions.Localization;
using Portal.Components.Shared;
using Portal.Domain.Payments;
using Portal.Localization;

namespace Portal.CardOnFile;

/// <summary>How an automatic card charge reads to the client and staff: planned, paid, declined and why, or not made and why.</summary>
public static class CardChargeText
{
    public static string Outcome(IStringLocalizer<Text> T, CardChargeLine line) => line.Status switch
    {
        CardChargeStatus.Planned => string.Format(T["CardChargePlanned"], DateFormat.Show(line.PlannedFor)),
        CardChargeStatus.Requested => T["CardChargeRequested"],
        CardChargeStatus.Paid => T["CardChargePaid"],
        CardChargeStatus.Declined => string.Format(T["CardChargeDeclined"], Decline(T, line.DeclineCode)),
        CardChargeStatus.Cancelled => string.Format(T["CardChargeNotMade"], Cancellation(T, line.CancelledBecause)),
        _ => line.Status.ToString(),
    };

    /// <summary>A decline in words, by what the client can do about it (never the bank's raw code).</summary>
    public static string Decline(IStringLocalizer<Text> T, string? code) =>
        CardRetryPolicy.Classify(code) switch
        {
            CardRetryVerdict.NeedsAuthentication => T["DeclineNeedsAuthentication"],
            CardRetryVerdict.NeedsNewCard => T["DeclineCardGone"],
            _ when code == "insufficient_funds" => T["DeclineInsufficientFunds"],
            _ => T["DeclineOther"],
        };

    public static string Cancellation(IStringLocalizer<Text> T, CardChargeCancellation because) => because switch
    {
        CardChargeCancellation.NothingLeftToCollect => T["ChargeNothingLeft"],
        CardChargeCancellation.PaidAnotherWay => T["ChargePaidAnotherWay"],
        CardChargeCancellation.CardRemoved => T["ChargeCardRemoved"],
        CardChargeCancellation.CardPaymentOff => T["ChargeCardPaymentOff"],
        CardChargeCancellation.ChargeRefused => T["ChargeRefused"],
        CardChargeCancellation.ClientTurnedOff => T["ChargeClientTurnedOff"],
        _ => because.ToString(),
    };
}
