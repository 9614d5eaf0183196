using Microsoft.Extensions.Localization;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Localization;

namespace Portal.Payments;

/// <summary>Words for payment methods, statuses and ledger movements, in the reader's language.</summary>
public static class PaymentText
{
    public static string Method(IStringLocalizer<Text> T, PaymentMethod method) => T["PaymentMethod" + method];

    /// <param name="reversal">Why a reversed payment was taken back, so a bounced cheque does not read like a chargeback.</param>
    public static string Status(IStringLocalizer<Text> T, PaymentStatus status, ReversalReason? reversal = null) => status switch
    {
        // "Processing" is what a person understands of money on its way; never "paid".
        PaymentStatus.Initiated or PaymentStatus.Pending => T["PaymentStatusProcessing"],
        PaymentStatus.Reversed when reversal is { } why => T["PaymentReversed" + why],
        _ => T["PaymentStatus" + status],
    };

    public static string Movement(IStringLocalizer<Text> T, LedgerTransactionKind kind) => T["Movement" + kind];

    /// <summary>
    /// A statement line as a client reads it: "Card payment — INV-00003", "Bank transfer — INV-00002",
    /// "Credit used — INV-00004", "Cheque returned unpaid — INV-00001". Never a type name, an id or the ledger's
    /// internal text.
    /// </summary>
    public static string StatementLine(IStringLocalizer<Text> T, LedgerTransactionKind kind, PaymentMethod? method, ReversalReason? reversal, IReadOnlyList<string>? invoices)
    {
        var paidBy = method is { } m ? T["StatementPaidBy" + m].Value : T["MovementPaymentSucceeded"].Value;
        var what = kind switch
        {
            LedgerTransactionKind.InvoiceIssued => T["StatementInvoiceIssued"].Value,
            LedgerTransactionKind.InvoiceVoided => T["StatementInvoiceVoided"].Value,
            LedgerTransactionKind.PaymentSucceeded or LedgerTransactionKind.ManualPayment or LedgerTransactionKind.DisputeWon => paidBy,
            LedgerTransactionKind.CreditApplied => T["StatementPaidByCredit"].Value,
            LedgerTransactionKind.RefundToPaymentMethod => method is PaymentMethod.Card or PaymentMethod.DirectDebit ? T["StatementRefundTo" + method].Value : T["StatementRefund"].Value,
            LedgerTransactionKind.RefundAsCredit => T["StatementKeptAsCredit"].Value,
            LedgerTransactionKind.WriteOff => T["StatementWrittenOff"].Value,
            LedgerTransactionKind.RefundFailed => T["StatementRefundFailed"].Value,
            LedgerTransactionKind.PaymentReversed => string.Format(T[reversal switch
            {
                ReversalReason.Bounced => "StatementBounced",
                ReversalReason.EnteredInError => "StatementVoided",
                ReversalReason.LateFailure or ReversalReason.Chargeback or ReversalReason.DisputeLost or null => "StatementReversed",
            }], paidBy),
            LedgerTransactionKind.ProviderFee or LedgerTransactionKind.Payout => Movement(T, kind),
        };
        var on = invoices is { Count: > 0 } ? string.Join(", ", invoices)
            : kind is LedgerTransactionKind.PaymentSucceeded or LedgerTransactionKind.ManualPayment ? T["StatementToCredit"].Value : null;
        return on is null ? what : $"{what} — {on}";
    }
}
