using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
using Portal.Localization;
using Portal.Providers.PayPal.Checkout;

namespace Portal.PayLinks;

/// <summary>
/// What a guest may pay these invoices with: a card when the firm takes online payments on them and has Stripe
/// connected, PayPal when it has PayPal connected and PayPal takes the currency. When neither is offered, why the card
/// is not, in the reader's language.
/// </summary>
public sealed record GuestPaymentChoices(bool Card, bool PayPal, string? WhyNone)
{
    public static async Task<GuestPaymentChoices> ReadAsync(
        PortalDbContext db, Firm firm, IEnumerable<Invoice> invoices, Currency currency, IStringLocalizer<Text> text, CancellationToken cancellationToken = default)
    {
        // Read through the caller's tenant: the firm's own connections.
        string? whyNotCard = null;
        if (!firm.Policy.MethodsAllowed.HasFlag(PaymentMethods.Card))
            whyNotCard = text["CardNotOffered"];
        else if (invoices.Any(i => !i.MethodsAllowed.HasFlag(PaymentMethods.Card)))
            whyNotCard = text["CardNotOnThisInvoice"];
        // PayPal is an online payment as a card is: the same policy decides whether it may be offered.
        var online = whyNotCard is null;
        if (online && !await db.ProviderConnections.AnyAsync(c => c.Provider == PaymentProvider.Stripe, cancellationToken))
            whyNotCard = text["CardNotConnected"];
        var payPal = online && await PayPalAvailability.CheckAsync(db, firm.Policy, currency, cancellationToken) is (true, null);
        return new(whyNotCard is null, payPal, whyNotCard is null || payPal ? null : whyNotCard);
    }
}
