using Portal.Account;
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

    private static async Task<IResult> ReturnAsync(Guid paymentId, TenantContext tenant, PayPalPayments paypal, CancellationToken cancellationToken) =>
        // The signed-in contact's own account only: another client's or firm's payment id is not found.
        await paypal.CaptureOnReturnAsync(paymentId, tenant.ClientAccountId, cancellationToken)
            ? Results.Redirect($"/portal/payments/{paymentId}")
            : Results.NotFound();
}
