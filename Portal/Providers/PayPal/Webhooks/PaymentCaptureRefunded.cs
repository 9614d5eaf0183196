using Portal.Domain.Payments;
using Portal.Providers.PayPal.Checkout;
using Portal.Webhooks;

namespace Portal.Providers.PayPal.Webhooks;

/// <summary>
/// PAYMENT.CAPTURE.REFUNDED: the refund is re-read and its total refunded so far booked; a refund staff made in Portal
/// was booked under the same refund's key when PayPal answered, so this is then a no-op.
/// </summary>
public sealed class PaymentCaptureRefunded(PayPalPayments paypal) : PayPalEventHandler("PAYMENT.CAPTURE.REFUNDED", paypal)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Payment payment, string resourceId, CancellationToken cancellationToken)
    {
        var client = await PayPal.ClientAsync(cancellationToken);
        var refund = await client.GetRefundAsync(resourceId, cancellationToken);
        if (refund.SellerPayableBreakdown?.TotalRefundedAmount?.ToMoney() is not { } total)
            return WebhookOutcome.Ignored;
        await PayPal.Payments.RecordRefundAsync(payment.Id, total, PayPalPayments.RefundKey(refund.Id), cancellationToken);
        return WebhookOutcome.Applied;
    }
}

/// <summary>PAYMENT.CAPTURE.REVERSED: PayPal took the money back (a chargeback the payer won): the reverse of the success.</summary>
public sealed class PaymentCaptureReversed(PayPalPayments paypal) : PayPalEventHandler("PAYMENT.CAPTURE.REVERSED", paypal)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Payment payment, string resourceId, CancellationToken cancellationToken)
    {
        var client = await PayPal.ClientAsync(cancellationToken);
        var reversal = await client.GetRefundAsync(resourceId, cancellationToken);
        await PayPal.Payments.ReverseAsync(payment.Id, ReversalReason.Chargeback, $"paypal:{reversal.Id}:reversed", cancellationToken);
        return WebhookOutcome.Applied;
    }
}
