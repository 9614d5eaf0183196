using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Providers.PayPal.Checkout;
using Portal.Tenancy;

namespace Portal.PayLinks;

/// <summary>
/// Where a pay link lands. A valid link leads its client to the invoice: straight there when signed in as that client,
/// else to the guest page (where the firm allows paying without an account) or to a sign-in link emailed to the
/// address the invoice went to. Every dead link (never issued, tampered, expired, revoked, invoice paid or voided)
/// gets the same redirect to the same page, so nothing about an invoice shows to someone without a valid link.
/// </summary>
public static class PayLinkEndpoints
{
    public const string InvalidPage = "/pay/link-invalid";
    public const string FreshLinkRequestedPage = "/pay/link-requested";
    public const string CheckEmailPage = "/pay/check-email";
    public const string OtherAccountPage = "/pay/other-account";
    public const string GuestPage = "/pay/guest";
    public const string GuestInvoicesPage = "/pay/guest/all";

    /// <summary>Remembers a dead link's token for the "send me a fresh link" form, so that page itself carries nothing of it.</summary>
    internal const string DeadLinkCookie = "Portal.PayLinkAsked";

    public static IEndpointRouteBuilder MapPayLinks(this IEndpointRouteBuilder app)
    {
        var pay = app.MapGroup("/pay").RequireRateLimiting(PayLinksSetup.RateLimitPolicy);
        pay.MapGet("/{token}", OpenAsync);
        // The form only ever answers "if it matches, we sent it" and can only email a client's own address: no
        // antiforgery token, so the dead-link page is the same bytes for every link.
        pay.MapPost("/fresh-link", FreshLinkAsync).DisableAntiforgery();
        // A guest pays by card (Stripe's page) or with PayPal (PayPal's page, then back to the portal to capture).
        pay.MapPost("/guest/{method:regex(^(card|paypal)$)}", GuestInvoiceAsync);
        pay.MapPost("/guest/all/{method:regex(^(card|paypal)$)}", GuestInvoicesAsync);
        pay.MapGet("/guest/paypal/return/{paymentId:guid}", (Guid paymentId, HttpContext http, GuestSessions guests, PayLinks payLinks, TenantContext tenant, PayPalPayments paypal) =>
            GuestPayPalReturnAsync(paymentId, GuestPage, http, guests, payLinks, tenant, paypal));
        pay.MapGet("/guest/all/paypal/return/{paymentId:guid}", (Guid paymentId, HttpContext http, GuestSessions guests, PayLinks payLinks, TenantContext tenant, PayPalPayments paypal) =>
            GuestPayPalReturnAsync(paymentId, GuestInvoicesPage, http, guests, payLinks, tenant, paypal));
        return app;
    }

    private static async Task<IResult> OpenAsync(
        string token, HttpContext http, PayLinks payLinks, GuestSessions guests, MagicLinks magicLinks, Team.Invitations invitations, UserManager<PortalUser> users)
    {
        http.Response.Headers.CacheControl = "no-store";
        var check = await payLinks.CheckAsync(token, http.RequestAborted);
        if (!check.IsValid || check is not { Link: { } link, Firm: { } firm } || (link.InvoiceId is not null && check.Invoice is null))
        {
            if (token.Length <= 64)
                http.Response.Cookies.Append(DeadLinkCookie, token, new CookieOptions
                {
                    HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Lax, Path = "/pay", MaxAge = TimeSpan.FromMinutes(30), IsEssential = true,
                });
            return Results.Redirect(InvalidPage);
        }
        // A link over several invoices leads a signed-in client to the pay page with the same invoices selected.
        var invoicePage = link.Scope switch
        {
            PayLinkScope.OverdueInvoices => "/portal/pay?select=overdue",
            PayLinkScope.OpenInvoices => "/portal/pay?select=all",
            _ => $"/portal/invoices/{link.InvoiceId}",
        };
        if (http.User.Identity?.IsAuthenticated == true)
        {
            // Signed in as someone else (another client, another firm, staff): say only that the link is not for them.
            if (PortalClaims.FirmId(http.User) != link.FirmId || PortalClaims.ClientAccountId(http.User) != link.ClientAccountId)
                return Results.Redirect(OtherAccountPage);
            await payLinks.RecordOpenedAsync(link.Id, http.RequestAborted);
            return Results.Redirect(invoicePage);
        }
        await payLinks.RecordOpenedAsync(link.Id, http.RequestAborted);
        if (firm.GuestPayAllowed)
        {
            guests.Start(http, link.Id);
            return Results.Redirect(link.InvoiceId is null ? GuestInvoicesPage : GuestPage);
        }
        // One step to confirm it is them: a sign-in link to the address the invoice was sent to, if it has a sign-in.
        var normalized = link.Recipient.ToUpperInvariant();
        var login = await users.Users
            .Where(u => u.FirmId == link.FirmId && u.ClientAccountId == link.ClientAccountId && u.NormalizedEmail == normalized)
            .Select(u => u.Email).FirstOrDefaultAsync(http.RequestAborted);
        if (login is not null)
            await magicLinks.RequestAsync(login, invoicePage, http.RequestAborted);
        else
            await invitations.InviteLinkRecipientAsync(link.FirmId, link.ClientAccountId, link.Recipient, http.RequestAborted);
        return Results.Redirect(CheckEmailPage);
    }

    private static async Task<IResult> FreshLinkAsync(HttpContext http, FreshLinkRequests requests)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        http.Request.Cookies.TryGetValue(DeadLinkCookie, out var token);
        await requests.RequestAsync(token, form["email"].ToString(), http.RequestAborted);
        return Results.Redirect(FreshLinkRequestedPage);
    }

    /// <summary>Pays what the guest's one invoice has left to pay, by card or with PayPal.</summary>
    private static async Task<IResult> GuestInvoiceAsync(
        string method, HttpContext http, IAntiforgery antiforgery, GuestSessions guests, PayLinks payLinks, GuestCheckouts checkouts)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
            return Results.BadRequest();
        if (guests.Read(http) is not { } linkId || await payLinks.GuestAsync(linkId, http.RequestAborted) is not { } guest)
            return Results.Redirect(InvalidPage);
        var invoice = guest.Invoice;
        if (!invoice.AcceptsPayment || !invoice.AmountPayable.IsPositive)
            return Results.Redirect(GuestPage);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        // One key per render of the guest page: a double submit starts one payment, not two.
        var requestKey = form["requestKey"].ToString();
        if (!Guid.TryParseExact(requestKey, "N", out _))
            return Results.BadRequest();
        return await checkouts.StartAsync(http, method, guest.Link, [new InvoiceAmount(invoice.Id, invoice.AmountPayable)], requestKey, GuestPage);
    }

    /// <summary>
    /// Pays the invoices a guest ticked on the page of a link over several invoices, in one payment through the same
    /// checkouts as the signed-in pay page. Only invoices the link lists now can be paid: any other id is refused.
    /// </summary>
    private static async Task<IResult> GuestInvoicesAsync(
        string method, HttpContext http, IAntiforgery antiforgery, GuestSessions guests, PayLinks payLinks, GuestCheckouts checkouts)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
            return Results.BadRequest();
        if (guests.Read(http) is not { } linkId || await payLinks.GuestInvoicesAsync(linkId, http.RequestAborted) is not { } guest)
            return Results.Redirect(InvalidPage);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var requestKey = form["requestKey"].ToString();
        if (!Guid.TryParseExact(requestKey, "N", out _))
            return Results.BadRequest();
        var ticked = new HashSet<Guid>();
        foreach (var value in form["invoice"])
        {
            if (!Guid.TryParse(value, out var id))
                return Results.BadRequest();
            ticked.Add(id);
        }
        var listed = guest.Invoices.ToDictionary(i => i.Id);
        // An invoice paid or voided since the page was drawn, or one the link never listed: the page again, as it is now.
        if (ticked.Count == 0)
            return Results.Redirect(GuestInvoicesPage + "?card=none");
        if (!ticked.All(listed.ContainsKey))
            return Results.Redirect(GuestInvoicesPage + "?card=changed");
        var amounts = guest.Invoices.Where(i => ticked.Contains(i.Id)).Select(i => new InvoiceAmount(i.Id, i.AmountPayable)).ToList();
        return await checkouts.StartAsync(http, method, guest.Link, amounts, requestKey, GuestInvoicesPage);
    }

    /// <summary>
    /// The guest is back from PayPal's page: the order is captured, as for a signed-in client, and the guest sees the
    /// payment on their page. Only a payment of the guest session's own client is captured.
    /// </summary>
    private static async Task<IResult> GuestPayPalReturnAsync(
        Guid paymentId, string page, HttpContext http, GuestSessions guests, PayLinks payLinks, TenantContext tenant, PayPalPayments paypal)
    {
        http.Response.Headers.CacheControl = "no-store";
        var link = guests.Read(http) is not { } linkId ? null
            : page == GuestPage ? (await payLinks.GuestAsync(linkId, http.RequestAborted))?.Link
            : (await payLinks.GuestInvoicesAsync(linkId, http.RequestAborted))?.Link;
        if (link is null)
            return Results.Redirect(InvalidPage);
        tenant.ActFor(link.FirmId, link.ClientAccountId);
        return await paypal.CaptureOnReturnAsync(paymentId, link.ClientAccountId, http.RequestAborted)
            ? Results.Redirect($"{page}/payments/{paymentId}")
            : Results.Redirect(page);
    }
}
