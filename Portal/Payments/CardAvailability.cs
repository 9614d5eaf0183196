using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;

namespace Portal.Payments;

/// <summary>Whether an invoice can be paid by card now, and if not why: what the invoice page and a reminder both need to know.</summary>
public static class CardAvailability
{
    /// <summary>The text key of the reason card payment is not offered for the invoice, or null when it is.</summary>
    public static async Task<string?> WhyNotAsync(PortalDbContext db, PaymentPolicy policy, Invoice invoice, CancellationToken cancellationToken = default)
    {
        if (!policy.MethodsAllowed.HasFlag(PaymentMethods.Card))
            return "CardNotOffered";
        if (!invoice.MethodsAllowed.HasFlag(PaymentMethods.Card))
            return "CardNotOnThisInvoice";
        // Read through the caller's tenant: the firm's own connection.
        if (!await db.ProviderConnections.AnyAsync(c => c.Provider == PaymentProvider.Stripe, cancellationToken))
            return "CardNotConnected";
        return null;
    }
}
