using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Payments;
using Stripe;

namespace Portal.Providers.Stripe;

/// <summary>
/// Staff give money back on a card payment: to the card through a Stripe refund, or as credit in the client's wallet.
/// A card refund is booked from Stripe's cumulative refunded amount, so this call and the later charge.refunded
/// webhook book it once between them, in either order.
/// </summary>
public sealed class StripeRefunder(StripePaymentLookup lookup, PaymentCorrections corrections, IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<MoneyResult> RefundToCardAsync(Guid paymentId, Money amount, string requestKey, CancellationToken cancellationToken = default)
    {
        if (!amount.IsPositive)
            throw new DomainException("A refund must be for more than zero.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payment = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == paymentId, cancellationToken) ?? throw new NotFoundException("payment");
        if (payment.Provider != PaymentProvider.Stripe || payment.ProviderPaymentId is null)
            throw new DomainException("Only a card payment Stripe has taken can be refunded to the card.");
        if (amount > payment.Retained)
            throw new DomainException($"At most {payment.Retained} of this payment can still be refunded.");

        var client = await lookup.ClientAsync(cancellationToken);
        var refund = await client.V1.Refunds.CreateAsync(new RefundCreateOptions
        {
            PaymentIntent = payment.ProviderPaymentId,
            Amount = StripeAmounts.ToStripeAmount(amount),
            Metadata = new Dictionary<string, string> { [StripePaymentLookup.PaymentIdKey] = paymentId.ToString() },
            Expand = ["charge"],
        }, new RequestOptions { IdempotencyKey = "refund:" + requestKey }, cancellationToken);
        var refundedSoFar = StripeAmounts.FromStripe(refund.Charge.AmountRefunded, refund.Charge.Currency);
        return await lookup.Payments.RecordRefundAsync(paymentId, refundedSoFar, "refund:" + requestKey, cancellationToken);
    }

    public Task<MoneyResult> RefundAsCreditAsync(Guid paymentId, Guid invoiceId, Money amount, string requestKey, CancellationToken cancellationToken = default) =>
        corrections.RefundAsCreditAsync(paymentId, invoiceId, amount, "credit-refund:" + requestKey, cancellationToken);
}
