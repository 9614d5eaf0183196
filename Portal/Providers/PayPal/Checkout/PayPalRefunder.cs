using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Payments;
using Portal.Providers.PayPal.Api;

namespace Portal.Providers.PayPal.Checkout;

/// <summary>
/// Staff give money back on a PayPal payment: to the payer's PayPal account through a refund of the capture, or as
/// credit in the client's wallet. A PayPal refund is booked from PayPal's total refunded so far, under the refund's own
/// key, so this call and the later PAYMENT.CAPTURE.REFUNDED event book it once between them, in either order.
/// </summary>
public sealed class PayPalRefunder(PayPalPayments paypal, PaymentCorrections corrections, IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<MoneyResult> RefundToPayPalAsync(Guid paymentId, Money amount, string requestKey, CancellationToken cancellationToken = default)
    {
        if (!amount.IsPositive)
            throw new DomainException("A refund must be for more than zero.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payment = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == paymentId, cancellationToken) ?? throw new NotFoundException("payment");
        if (payment.Provider != PaymentProvider.PayPal || payment.ProviderPaymentId is null)
            throw new DomainException("Only a payment PayPal has captured can be refunded to PayPal.");
        if (amount > payment.Retained)
            throw new DomainException($"At most {payment.Retained} of this payment can still be refunded.");

        var client = await paypal.ClientAsync(cancellationToken);
        var refund = await client.RefundCaptureAsync(payment.ProviderPaymentId, new NewPayPalRefund(amount), "refund-" + requestKey, cancellationToken);
        var refundedSoFar = refund.SellerPayableBreakdown?.TotalRefundedAmount?.ToMoney()
            ?? throw new InvalidOperationException($"PayPal's refund {refund.Id} gave no total refunded.");
        return await paypal.Payments.RecordRefundAsync(paymentId, refundedSoFar, PayPalPayments.RefundKey(refund.Id), cancellationToken);
    }

    public Task<MoneyResult> RefundAsCreditAsync(Guid paymentId, Guid invoiceId, Money amount, string requestKey, CancellationToken cancellationToken = default) =>
        corrections.RefundAsCreditAsync(paymentId, invoiceId, amount, "credit-refund:" + requestKey, cancellationToken);
}
