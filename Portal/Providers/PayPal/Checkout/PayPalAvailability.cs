using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Payments;

namespace Portal.Providers.PayPal.Checkout;

/// <summary>Whether a client can pay with PayPal: PayPal is an online payment as cards are, so the firm's card policy and PayPal's currencies decide.</summary>
public static class PayPalAvailability
{
    /// <summary>
    /// Null when the firm takes online payments, has PayPal connected and PayPal takes the currency; otherwise why not,
    /// as a refusal the page shows in the reader's language. <paramref name="connected"/> says whether PayPal is offered at all.
    /// </summary>
    public static async Task<(bool Connected, DomainException? WhyNot)> CheckAsync(PortalDbContext db, PaymentPolicy policy, Currency currency, CancellationToken cancellationToken = default)
    {
        // Read through the caller's tenant: the firm's own connection.
        var connected = policy.MethodsAllowed.HasFlag(PaymentMethods.Card)
            && await db.ProviderConnections.AnyAsync(c => c.Provider == PaymentProvider.PayPal, cancellationToken);
        if (!connected)
            return (false, null);
        try
        {
            PayPalCurrencies.EnsureAccepts(currency);
            return (true, null);
        }
        catch (DomainException refused)
        {
            return (true, refused);
        }
    }
}
