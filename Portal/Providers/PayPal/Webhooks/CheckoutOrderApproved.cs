using Portal.Domain.Payments;
using Portal.Providers.PayPal.Checkout;
using Portal.Webhooks;

namespace Portal.Providers.PayPal.Webhooks;

/// <summary>
/// CHECKOUT.ORDER.APPROVED: the payer approved on PayPal. Captured here when the payer never came back to the return
/// URL (closed the tab, lost the connection); with the same request id as the return, so PayPal captures once.
/// </summary>
public sealed class CheckoutOrderApproved(PayPalPayments paypal) : PayPalEventHandler("CHECKOUT.ORDER.APPROVED", paypal)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Payment payment, string resourceId, CancellationToken cancellationToken)
    {
        if (payment.ProviderCheckoutId != resourceId)
            return WebhookOutcome.Ignored;
        return await PayPal.CaptureAsync(payment, cancellationToken) is null ? WebhookOutcome.Ignored : WebhookOutcome.Applied;
    }
}
