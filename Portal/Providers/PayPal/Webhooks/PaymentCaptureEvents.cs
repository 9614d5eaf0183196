using Portal.Domain.Payments;
using Portal.Providers.PayPal.Checkout;
using Portal.Webhooks;

namespace Portal.Providers.PayPal.Webhooks;

/// <summary>
/// PAYMENT.CAPTURE.*: the capture is re-read and applied as it is now, whatever the event says. A COMPLETED that
/// arrives before the APPROVED, or a PENDING after the COMPLETED, still ends in the capture's real state.
/// </summary>
public abstract class PaymentCaptureEvent(string eventType, PayPalPayments paypal) : PayPalEventHandler(eventType, paypal)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Payment payment, string resourceId, CancellationToken cancellationToken)
    {
        var client = await PayPal.ClientAsync(cancellationToken);
        var capture = await client.GetCaptureAsync(resourceId, cancellationToken);
        await PayPal.ApplyAsync(payment.Id, capture, cancellationToken);
        return WebhookOutcome.Applied;
    }
}

public sealed class PaymentCaptureCompleted(PayPalPayments paypal) : PaymentCaptureEvent("PAYMENT.CAPTURE.COMPLETED", paypal);

public sealed class PaymentCapturePending(PayPalPayments paypal) : PaymentCaptureEvent("PAYMENT.CAPTURE.PENDING", paypal);

public sealed class PaymentCaptureDenied(PayPalPayments paypal) : PaymentCaptureEvent("PAYMENT.CAPTURE.DENIED", paypal);
