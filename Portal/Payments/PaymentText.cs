using Microsoft.Extensions.Localization;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Localization;

namespace Portal.Payments;

/// <summary>Words for payment methods, statuses and ledger movements, in the reader's language.</summary>
public static class PaymentText
{
    public static string Method(IStringLocalizer<Text> T, PaymentMethod method) => T["PaymentMethod" + method];

    public static string Status(IStringLocalizer<Text> T, PaymentStatus status) => status switch
    {
        // "Processing" is what a person understands of money on its way; never "paid".
        PaymentStatus.Initiated or PaymentStatus.Pending => T["PaymentStatusProcessing"],
        _ => T["PaymentStatus" + status],
    };

    public static string Movement(IStringLocalizer<Text> T, LedgerTransactionKind kind) => T["Movement" + kind];
}
