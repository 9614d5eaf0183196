using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Data;
using Portal.Domain.Payments;
using Portal.Providers.PayPal.Api;
using Portal.Tenancy;

namespace Portal.Providers.PayPal.Checkout;

/// <summary>
/// <c>GET /portal/paypal/return/{paymentId}</c>: where PayPal sends the payer after approving. The order is captured
/// here (one request id per payment, so a reload or the APPROVED webhook never captures twice) and the payer goes on to
/// the payment's status page, which shows Processing until the capture is COMPLETED. If PayPal cannot be reached now,
/// the APPROVED webhook captures later.
/// </summary>
public static class PayPalReturnEndpoint
{
    public static IEndpointRouteBuilder MapPayPalReturn(this IEndpointRouteBuilder app)
    {
        app.MapGet("/portal/paypal/return/{paymentId:guid}", ReturnAsync)
            .RequireAuthorization(Policies.Client)
            .WithName("PayPalReturn");
        return app;
    }

    private static async Task<IResult> ReturnAsync(
        Guid paymentId, IDbContextFactory<PortalDbContext> dbFactory, TenantContext tenant, PayPalPayments paypal, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        Payment? payment;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // The signed-in contact's own account only: another client's or firm's payment id is not found.
            payment = await db.Payments.AsNoTracking().SingleOrDefaultAsync(
                p => p.Id == paymentId && p.ClientAccountId == tenant.ClientAccountId && p.Provider == PaymentProvider.PayPal, cancellationToken);
        }
        if (payment is null)
            return Results.NotFound();
        try
        {
            await paypal.CaptureAsync(payment, cancellationToken);
        }
        catch (Exception unavailable) when (unavailable is HttpRequestException or PayPalApiException or TaskCanceledException { InnerException: TimeoutException })
        {
            loggers.CreateLogger(typeof(PayPalReturnEndpoint)).LogWarning(unavailable, "Could not capture PayPal payment {PaymentId} on return; the APPROVED webhook will", paymentId);
        }
        return Results.Redirect($"/portal/payments/{paymentId}");
    }
}
