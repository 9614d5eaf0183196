using Portal.Audit;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Providers.PayPal.Checkout;
using Portal.Providers.Stripe;
using Portal.Tenancy;

namespace Portal.PayLinks;

/// <summary>
/// Starts a guest's payment through the checkouts signed-in clients use (Stripe's page for a card, PayPal's page for
/// PayPal), acting for the pay link's client and nothing more, for this request only. The hosted page sends the guest
/// back to the guest pages, never to the signed-in portal.
/// </summary>
public sealed class GuestCheckouts(
    TenantContext tenant, CurrentActor actor, StripeCheckoutStarter cards, PayPalCheckoutStarter paypal, IConfiguration configuration)
{
    public const string Card = "card";
    public const string PayPal = "paypal";

    /// <summary>
    /// Redirects to the hosted page for <paramref name="amounts"/> paid by <paramref name="method"/>; a refusal (a
    /// currency PayPal does not take, a method no longer offered) goes back to <paramref name="page"/>, which says so.
    /// </summary>
    public async Task<IResult> StartAsync(HttpContext http, string method, PayLink link, IReadOnlyList<InvoiceAmount> amounts, string requestKey, string page)
    {
        tenant.ActFor(link.FirmId, link.ClientAccountId);
        actor.ActAs(new AuditActor(null, $"Guest by pay link ({link.Recipient})", IsStaff: false));
        var request = http.Request;
        var portalBase = configuration["Portal:PublicBaseUrl"] is { Length: > 0 } configured
            ? new Uri(configured.TrimEnd('/') + "/")
            : new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
        // The guest pages' paths without their leading slash: the hosted pages come back under the portal's base.
        var guestPath = page.TrimStart('/') + "/";
        try
        {
            var url = method switch
            {
                Card => (await cards.StartAsync(new CardPaymentRequest(link.ClientAccountId, amounts, null, "guest:" + requestKey, portalBase, link.Recipient)
                {
                    ReturnPathPrefix = guestPath + "payments/",
                }, http.RequestAborted)).Url,
                PayPal => (await paypal.StartAsync(new PayPalPaymentRequest(link.ClientAccountId, amounts, null, "guest:" + requestKey, portalBase)
                {
                    ReturnPathPrefix = guestPath + "paypal/return/",
                    StatusPathPrefix = guestPath + "payments/",
                }, http.RequestAborted)).ApproveUrl,
                _ => throw new ArgumentOutOfRangeException(nameof(method), method, "A guest pays by card or with PayPal."),
            };
            return Results.Redirect(url);
        }
        catch (DomainException)
        {
            return Results.Redirect($"{page}?card={(method == PayPal ? "paypal-refused" : "refused")}");
        }
    }
}
