using Portal.Domain.Payments;

namespace Portal.GoCardless;

// What a GoCardless payment event (or a payment re-read from GoCardless) asks of the portal's payment, in the
// domain's terms. The payment state machine decides whether it still applies: events repeat and arrive out of order.
public sealed record GoCardlessPaymentChange(PaymentChange Change, ReversalReason? Reversal = null, string? FailureReason = null);

public static class GoCardlessPaymentChanges
{
    // Null for events that change nothing on the payment (late_failure_settled, chargeback_settled: money already
    // moved in the ledger by failed / charged_back) and for other resources' events.
    public static GoCardlessPaymentChange? For(GoCardlessEvent gcEvent)
    {
        if (gcEvent.ResourceType != GoCardlessResourceType.Payments)
        {
            return null;
        }

        return gcEvent.Action switch
        {
            "created" or "submitted" or "customer_approval_granted" or "resubmission_requested" => new(PaymentChange.MarkPending),
            "confirmed" => new(PaymentChange.Succeed),
            "paid_out" => new(PaymentChange.Settle),

            // With Success+ GoCardless retries a failed collection itself: the payment is still on its way.
            "failed" when gcEvent.Details.WillAttemptRetry == true => new(PaymentChange.MarkPending),

            // Before confirmation this ends the payment; after it, it is a late failure that reverses it.
            "failed" => new(PaymentChange.Fail, ReversalReason.LateFailure, FailureReason(gcEvent)),
            "charged_back" => new(PaymentChange.Reverse, ReversalReason.Chargeback, FailureReason(gcEvent)),
            "chargeback_cancelled" => new(PaymentChange.WinDispute),
            "cancelled" or "customer_approval_denied" => new(PaymentChange.Cancel, FailureReason: FailureReason(gcEvent)),
            _ => null,
        };
    }

    // For a payment read back from GoCardless, when an event is missing or in doubt.
    public static GoCardlessPaymentChange? For(GoCardlessPayment payment) => payment.Status switch
    {
        GoCardlessPaymentStatus.PendingCustomerApproval or GoCardlessPaymentStatus.PendingSubmission
            or GoCardlessPaymentStatus.Submitted => new(PaymentChange.MarkPending),
        GoCardlessPaymentStatus.Confirmed => new(PaymentChange.Succeed),
        GoCardlessPaymentStatus.PaidOut => new(PaymentChange.Settle),
        GoCardlessPaymentStatus.Failed => new(PaymentChange.Fail, ReversalReason.LateFailure),
        GoCardlessPaymentStatus.ChargedBack => new(PaymentChange.Reverse, ReversalReason.Chargeback),
        GoCardlessPaymentStatus.Cancelled or GoCardlessPaymentStatus.CustomerApprovalDenied => new(PaymentChange.Cancel),
        GoCardlessPaymentStatus.Unknown => null,
    };

    private static string FailureReason(GoCardlessEvent gcEvent) =>
        gcEvent.Details.ReasonCode is { } code
            ? $"{gcEvent.Details.Cause} ({gcEvent.Details.Scheme} {code}): {gcEvent.Details.Description}"
            : $"{gcEvent.Details.Cause}: {gcEvent.Details.Description}";
}
