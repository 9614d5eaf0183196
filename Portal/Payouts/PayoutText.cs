using Microsoft.Extensions.Localization;
using Portal.Domain.Payouts;
using Portal.Localization;

namespace Portal.Payouts;

/// <summary>Payout statuses and item kinds in the reader's language.</summary>
public static class PayoutText
{
    public static string Status(IStringLocalizer<Text> t, PayoutStatus status) => status switch
    {
        PayoutStatus.Paid => t["PayoutStatusPaid"],
        PayoutStatus.Failed => t["PayoutStatusFailed"],
    };

    public static string Kind(IStringLocalizer<Text> t, PayoutItemKind kind) => kind switch
    {
        PayoutItemKind.Payment => t["PayoutItemPayment"],
        PayoutItemKind.Refund => t["PayoutItemRefund"],
        PayoutItemKind.Fee => t["PayoutItemFee"],
        PayoutItemKind.Other => t["PayoutItemOther"],
    };
}
