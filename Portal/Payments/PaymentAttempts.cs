using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Payments;

namespace Portal.Payments;

/// <summary>
/// A provider's hosted page behind a payment attempt: a Stripe Checkout Session, a GoCardless billing request with
/// its flow. One per provider.
/// </summary>
public interface IHostedCheckout
{
    PaymentProvider Provider { get; }

    /// <summary>
    /// Closes the hosted page so that it can no longer be paid or signed. True when it is closed (now or before) with
    /// nothing taken; false when the client finished it and the provider's report is on its way, so the attempt must
    /// not be abandoned.
    /// </summary>
    Task<bool> CloseAsync(string checkoutId, CancellationToken cancellationToken);
}

/// <summary>
/// Attempts that never became payments: a client who cancels on a provider's hosted page, presses Back, lets it
/// expire or starts paying another way. An abandoned attempt is closed at the provider first, so finishing the old
/// page later cannot collect the invoice a second time (invariant 5), then ends as cancelled with nothing held or
/// posted; it is no payment and no list shows it.
/// </summary>
public sealed class PaymentAttempts(ProviderPayments payments, IEnumerable<IHostedCheckout> checkouts, IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Abandons the attempt if it is still only an attempt; true when it is abandoned (now or before).</summary>
    public async Task<bool> AbandonAsync(Guid paymentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payment = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == paymentId, cancellationToken) ?? throw new NotFoundException("payment");
        if (payment.Status != PaymentStatus.Initiated)
            return payment.IsAttemptOnly;
        if (payment.ProviderCheckoutId is { } checkoutId && checkouts.FirstOrDefault(c => c.Provider == payment.Provider) is { } checkout
            && !await checkout.CloseAsync(checkoutId, cancellationToken))
            return false;
        // One key per attempt: the client's return, the provider's event and a later supersession all end it once.
        await payments.AbandonAsync(paymentId, $"abandoned:{paymentId:N}", cancellationToken);
        return true;
    }

    /// <summary>
    /// A new payment on these invoices is starting: the client's earlier attempts on any of them are abandoned, so an
    /// old hosted page left open in another tab cannot collect them again.
    /// </summary>
    public async Task SupersedeAsync(Guid clientAccountId, IReadOnlyCollection<Guid> invoiceIds, Guid keep, CancellationToken cancellationToken = default)
    {
        if (invoiceIds.Count == 0)
            return;
        List<Guid> earlier;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            earlier = await db.Payments.AsNoTracking()
                .Where(p => p.ClientAccountId == clientAccountId && p.Id != keep && p.Status == PaymentStatus.Initiated && p.ProviderCheckoutId != null
                    && p.Allocations.Any(a => a.InvoiceId != null && invoiceIds.Contains(a.InvoiceId.Value)))
                .Select(p => p.Id).ToListAsync(cancellationToken);
        }
        foreach (var paymentId in earlier)
            await AbandonAsync(paymentId, cancellationToken);
    }
}
