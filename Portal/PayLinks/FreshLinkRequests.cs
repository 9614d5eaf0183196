using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;
using Portal.Invoices.Delivery;
using Portal.Tenancy;

namespace Portal.PayLinks;

/// <summary>
/// "Send me a fresh link" from the page a dead pay link leads to. If the address typed is one of the invoice's client's
/// (its billing address or a contact's) and the invoice is still due, a new pay link is emailed to it. Whatever
/// happens, the caller answers the same, so the form says nothing about invoices or addresses.
/// </summary>
public sealed class FreshLinkRequests(IDbContextFactory<PortalDbContext> dbFactory, TenantContext tenant, InvoiceDelivery delivery, TimeProvider clock, ILogger<FreshLinkRequests> logger)
{
    /// <summary>Fresh links one invoice may get this way per hour, so the form cannot be used to flood a client's mailbox.</summary>
    public const int MaxPerInvoicePerHour = 3;

    public async Task RequestAsync(string? token, string? email, CancellationToken cancellationToken = default)
    {
        if (SecretToken.HashOf(token) is not { } hash)
            return;
        string address;
        try
        {
            address = EmailAddress.Normalize(email);
        }
        catch (DomainException)
        {
            return;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var link = await db.Set<PayLink>().IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(l => l.TokenHash == hash, cancellationToken);
        // A dead link over several invoices is not sent again: the client's next reminder or statement brings a new one.
        if (link?.InvoiceId is null)
            return;
        var invoice = await db.Invoices.IgnoreQueryFilters().AsNoTracking().SingleAsync(i => i.Id == link.InvoiceId && i.FirmId == link.FirmId, cancellationToken);
        if (!invoice.AcceptsPayment)
            return;
        var client = await db.ClientAccounts.IgnoreQueryFilters().AsNoTracking().Include(c => c.Contacts)
            .SingleAsync(c => c.Id == link.ClientAccountId && c.FirmId == link.FirmId, cancellationToken);
        if (client.InvoiceEmailsOptedOut || (client.BillingEmail != address && client.Contacts.All(c => c.Email != address)))
            return;
        var since = clock.GetUtcNow().AddHours(-1);
        var recent = await db.Set<InvoiceTimelineEntry>().IgnoreQueryFilters()
            .CountAsync(e => e.InvoiceId == invoice.Id && e.Kind == InvoiceTimelineKind.Sent && e.ActorName == null && e.At > since, cancellationToken);
        if (recent >= MaxPerInvoicePerHour)
        {
            logger.LogWarning("Fresh pay link for invoice {InvoiceId} not sent: hourly limit reached", invoice.Id);
            return;
        }
        // From here on the firm is known: the send runs for it, as the system (no staff member sent it).
        tenant.ActFor(link.FirmId);
        await delivery.SendAsync(invoice.Id, address, cancellationToken);
    }
}
