using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Payments;
using Portal.Payments;
using Portal.Providers.PayPal.Api;

namespace Portal.Providers.PayPal.Checkout;

/// <summary>
/// What the PayPal return, webhook handlers and refunds share: our payment behind a PayPal object (its custom_id), the
/// firm's PayPal client, the capture of an approved order, and applying what PayPal says a capture is now. Money moves
/// under keys derived from the capture's id and status, so the return, CHECKOUT.ORDER.APPROVED and PAYMENT.CAPTURE.*
/// reporting the same capture book it once between them, in any order.
/// </summary>
public sealed class PayPalPayments(ProviderPayments payments, PayPalConnector connector, IDbContextFactory<PortalDbContext> dbFactory, ILogger<PayPalPayments> logger)
{
    public ProviderPayments Payments => payments;

    /// <summary>The order's PayPal-Request-Id: a retried or repeated start gets the same order back.</summary>
    public static string OrderRequestId(Guid paymentId) => $"order-{paymentId:N}";

    /// <summary>One capture per payment: the return and the APPROVED webhook send the same id, so PayPal captures once.</summary>
    public static string CaptureRequestId(Guid paymentId) => $"capture-{paymentId:N}";

    /// <summary>One refund is booked once, whether staff's call or PayPal's REFUNDED event reports it first.</summary>
    public static string RefundKey(string refundId) => $"paypal:{refundId}:refunded";

    public Task<PayPalClient> ClientAsync(CancellationToken cancellationToken) => connector.ClientAsync(cancellationToken);

    /// <summary>This firm's PayPal payment named by a custom_id, or null (another integration's order, another firm's id).</summary>
    public async Task<Payment?> FindAsync(string? customId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(customId, out var id))
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id && p.Provider == PaymentProvider.PayPal, cancellationToken);
    }

    /// <summary>
    /// The payer is back from PayPal's page: captures the order of <paramref name="clientAccountId"/>'s payment. False
    /// when the payment is not that client's PayPal payment. If PayPal cannot be reached now, the APPROVED webhook
    /// captures later; the payer sees the payment as processing meanwhile.
    /// </summary>
    public async Task<bool> CaptureOnReturnAsync(Guid paymentId, Guid? clientAccountId, CancellationToken cancellationToken)
    {
        Payment? payment;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            payment = await db.Payments.AsNoTracking().SingleOrDefaultAsync(
                p => p.Id == paymentId && p.ClientAccountId == clientAccountId && p.Provider == PaymentProvider.PayPal, cancellationToken);
        }
        if (payment is null)
            return false;
        try
        {
            await CaptureAsync(payment, cancellationToken);
        }
        catch (Exception unavailable) when (unavailable is HttpRequestException or PayPalApiException or TaskCanceledException { InnerException: TimeoutException })
        {
            logger.LogWarning(unavailable, "Could not capture PayPal payment {PaymentId} on return; the APPROVED webhook will", paymentId);
        }
        return true;
    }

    /// <summary>
    /// Captures the order of an attempt the payer approved and applies the capture. Null when the order is not
    /// approved (yet) or the attempt already ended: an abandoned attempt is never captured.
    /// </summary>
    public async Task<PayPalCapture?> CaptureAsync(Payment payment, CancellationToken cancellationToken)
    {
        if (payment.ProviderCheckoutId is not { } orderId)
            return null;
        var client = await ClientAsync(cancellationToken);
        if (payment.Status != PaymentStatus.Initiated)
        {
            // Already captured (or ended): only re-read what became of it.
            var existing = CaptureOf(await client.GetOrderAsync(orderId, cancellationToken));
            if (existing is not null && payment.Status is not (PaymentStatus.Cancelled or PaymentStatus.Failed))
                await ApplyAsync(payment.Id, await client.GetCaptureAsync(existing.Id, cancellationToken), cancellationToken);
            return existing;
        }
        PayPalOrder order;
        try
        {
            order = await client.CaptureOrderAsync(orderId, CaptureRequestId(payment.Id), cancellationToken);
        }
        catch (PayPalApiException refused) when (refused.HasIssue("ORDER_NOT_APPROVED"))
        {
            logger.LogInformation("PayPal order {OrderId} of payment {PaymentId} is not approved; nothing captured", orderId, payment.Id);
            return null;
        }
        catch (PayPalApiException refused) when (refused.HasIssue("ORDER_ALREADY_CAPTURED"))
        {
            order = await client.GetOrderAsync(orderId, cancellationToken);
        }
        var capture = CaptureOf(order);
        if (capture is not null)
            await ApplyAsync(payment.Id, capture, cancellationToken);
        return capture;
    }

    public static PayPalCapture? CaptureOf(PayPalOrder order) =>
        order.PurchaseUnits.SelectMany(u => u.Payments?.Captures ?? []).FirstOrDefault();

    /// <summary>
    /// Applies a capture as PayPal reads now: COMPLETED is paid (with PayPal's fee), PENDING is in flight, DECLINED has
    /// failed. A refunded capture was completed first; its refunds are booked by their own events.
    /// </summary>
    public async Task ApplyAsync(Guid paymentId, PayPalCapture capture, CancellationToken cancellationToken)
    {
        var ids = new ProviderIds(null, capture.Id);
        switch (capture.Status)
        {
            case PayPalCaptureStatus.Completed or PayPalCaptureStatus.PartiallyRefunded or PayPalCaptureStatus.Refunded:
                var fee = capture.SellerReceivableBreakdown?.PaypalFee?.ToMoney();
                await payments.MarkSucceededAsync(paymentId, fee, $"paypal:{capture.Id}:completed", ids, cancellationToken);
                break;
            case PayPalCaptureStatus.Pending:
                await payments.MarkProcessingAsync(paymentId, $"paypal:{capture.Id}:pending", ids, cancellationToken);
                break;
            case PayPalCaptureStatus.Declined or PayPalCaptureStatus.Failed:
                await payments.LinkProviderPaymentAsync(paymentId, capture.Id, cancellationToken);
                await payments.MarkFailedAsync(paymentId, "PayPal declined the payment.", $"paypal:{capture.Id}:declined", cancellationToken);
                break;
            case PayPalCaptureStatus.Unknown:
                throw new InvalidOperationException($"PayPal capture {capture.Id} has a status Portal does not know.");
        }
    }
}
