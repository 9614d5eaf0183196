namespace Portal.Domain.Payments;

public enum TransitionOutcome
{
    /// <summary>The payment moves to <see cref="Transition.To"/>.</summary>
    Moves,
    /// <summary>Already in effect, or the payment has moved past it (a repeated or late provider event): nothing to do.</summary>
    AlreadyApplied,
    /// <summary>Contradicts what happened (success after failure, refund before success): refused.</summary>
    Illegal,
}

public readonly record struct Transition(TransitionOutcome Outcome, PaymentStatus To);

/// <summary>
/// Where a change takes a payment from each status. States only move forward, so a provider repeating itself
/// or delivering out of order is recognised as <see cref="TransitionOutcome.AlreadyApplied"/>, not applied twice.
/// Refunds are not here: how far they go depends on the amount (see <see cref="Payment"/>).
/// </summary>
public static class PaymentStateMachine
{
    public static Transition Decide(PaymentStatus from, PaymentChange change) => change switch
    {
        PaymentChange.MarkPending => from switch
        {
            PaymentStatus.Initiated => Move(PaymentStatus.Pending),
            PaymentStatus.Pending or PaymentStatus.Succeeded or PaymentStatus.Settled or PaymentStatus.Failed
                or PaymentStatus.Cancelled or PaymentStatus.Reversed or PaymentStatus.PartiallyRefunded
                or PaymentStatus.Refunded => Already(from),
        },
        PaymentChange.Succeed => from switch
        {
            PaymentStatus.Initiated or PaymentStatus.Pending => Move(PaymentStatus.Succeeded),
            PaymentStatus.Succeeded or PaymentStatus.Settled or PaymentStatus.PartiallyRefunded
                or PaymentStatus.Refunded or PaymentStatus.Reversed => Already(from),
            PaymentStatus.Failed or PaymentStatus.Cancelled => Illegal(from),
        },
        PaymentChange.Fail => from switch
        {
            PaymentStatus.Initiated or PaymentStatus.Pending => Move(PaymentStatus.Failed),
            PaymentStatus.Failed or PaymentStatus.Cancelled or PaymentStatus.Reversed => Already(from),
            // Failing after success is a reversal and must take the money back: see Settlement.ApplyFailure.
            PaymentStatus.Succeeded or PaymentStatus.Settled or PaymentStatus.PartiallyRefunded
                or PaymentStatus.Refunded => Illegal(from),
        },
        PaymentChange.Cancel => from switch
        {
            PaymentStatus.Initiated or PaymentStatus.Pending => Move(PaymentStatus.Cancelled),
            PaymentStatus.Failed or PaymentStatus.Cancelled => Already(from),
            PaymentStatus.Succeeded or PaymentStatus.Settled or PaymentStatus.PartiallyRefunded
                or PaymentStatus.Refunded or PaymentStatus.Reversed => Illegal(from),
        },
        PaymentChange.Settle => from switch
        {
            PaymentStatus.Succeeded => Move(PaymentStatus.Settled),
            // A payout after a refund or chargeback changes nothing more on the payment.
            PaymentStatus.Settled or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded
                or PaymentStatus.Reversed => Already(from),
            PaymentStatus.Initiated or PaymentStatus.Pending or PaymentStatus.Failed
                or PaymentStatus.Cancelled => Illegal(from),
        },
        PaymentChange.Reverse => from switch
        {
            PaymentStatus.Succeeded or PaymentStatus.Settled or PaymentStatus.PartiallyRefunded => Move(PaymentStatus.Reversed),
            PaymentStatus.Reversed => Already(from),
            // Nothing left to take back from a fully refunded payment: staff must look at it.
            PaymentStatus.Initiated or PaymentStatus.Pending or PaymentStatus.Failed or PaymentStatus.Cancelled
                or PaymentStatus.Refunded => Illegal(from),
        },
        PaymentChange.WinDispute => from switch
        {
            PaymentStatus.Reversed => Move(PaymentStatus.Succeeded),
            // Won before the money was taken back: nothing moves.
            PaymentStatus.Succeeded or PaymentStatus.Settled or PaymentStatus.PartiallyRefunded
                or PaymentStatus.Refunded => Already(from),
            PaymentStatus.Initiated or PaymentStatus.Pending or PaymentStatus.Failed
                or PaymentStatus.Cancelled => Illegal(from),
        },
    };

    public static bool CanRefund(PaymentStatus status) => status switch
    {
        PaymentStatus.Succeeded or PaymentStatus.Settled or PaymentStatus.PartiallyRefunded => true,
        PaymentStatus.Initiated or PaymentStatus.Pending or PaymentStatus.Failed or PaymentStatus.Cancelled
            or PaymentStatus.Reversed or PaymentStatus.Refunded => false,
    };

    private static Transition Move(PaymentStatus to) => new(TransitionOutcome.Moves, to);
    private static Transition Already(PaymentStatus status) => new(TransitionOutcome.AlreadyApplied, status);
    private static Transition Illegal(PaymentStatus status) => new(TransitionOutcome.Illegal, status);
}
