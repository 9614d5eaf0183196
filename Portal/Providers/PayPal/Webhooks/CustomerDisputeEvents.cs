using Portal.Domain.Payments;
using Portal.Providers.PayPal.Checkout;
using Portal.Webhooks;

namespace Portal.Providers.PayPal.Webhooks;

/// <summary>
/// CUSTOMER.DISPUTE.*: the dispute is re-read and applied as it is now. Open, the payment is marked disputed and
/// nothing moves (PayPal reports money it holds back as PAYMENT.CAPTURE.REVERSED). Resolved for the payer, the money is
/// taken back, once however many events report it; resolved for the firm, money taken back lands again. A RESOLVED
/// that arrives before its CREATED ends in the same place.
/// </summary>
public abstract class CustomerDisputeEvent(string eventType, PayPalPayments paypal) : PayPalEventHandler(eventType, paypal)
{
    protected override string ResourceIdProperty => "dispute_id";

    protected override async Task<WebhookOutcome> ApplyAsync(Payment payment, string resourceId, CancellationToken cancellationToken)
    {
        var client = await PayPal.ClientAsync(cancellationToken);
        var dispute = await client.GetDisputeAsync(resourceId, cancellationToken);
        // The dispute must really be about this payment's capture, not merely carry its id.
        if (payment.ProviderPaymentId is not { } captureId || dispute.DisputedTransactions.All(t => t.SellerTransactionId != captureId))
            return WebhookOutcome.Ignored;
        await PayPal.Payments.MarkDisputedAsync(payment.Id, $"paypal:{dispute.DisputeId}:disputed", cancellationToken);
        switch (dispute.PayerWon)
        {
            case true:
                await PayPal.Payments.ReverseAsync(payment.Id, ReversalReason.DisputeLost, $"paypal:{dispute.DisputeId}:lost", cancellationToken);
                break;
            case false:
                await PayPal.Payments.WinDisputeAsync(payment.Id, $"paypal:{dispute.DisputeId}:won", cancellationToken);
                break;
        }
        return WebhookOutcome.Applied;
    }
}

public sealed class CustomerDisputeCreated(PayPalPayments paypal) : CustomerDisputeEvent("CUSTOMER.DISPUTE.CREATED", paypal);

public sealed class CustomerDisputeResolved(PayPalPayments paypal) : CustomerDisputeEvent("CUSTOMER.DISPUTE.RESOLVED", paypal);
