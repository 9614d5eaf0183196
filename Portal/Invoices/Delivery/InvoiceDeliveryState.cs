using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Invoices;

namespace Portal.Invoices.Delivery;

public enum DeliveryState { NeverSent, Sent, NotSentNoEmail }

/// <summary>An invoice's latest send as lists show it: emailed (when, to whom) or "not sent: no email".</summary>
public sealed record InvoiceDeliveryRow
{
    public Guid InvoiceId { get; init; }
    public InvoiceTimelineKind Kind { get; init; }
    public DateTimeOffset At { get; init; }
    public string? Recipient { get; init; }

    public DeliveryState State => Kind == InvoiceTimelineKind.NotSentNoEmail ? DeliveryState.NotSentNoEmail : DeliveryState.Sent;

    /// <summary>
    /// The latest send or refused send of each invoice, in SQL, for a list to join on its invoice ids (an invoice with
    /// no row was never sent). Tenant filters apply: staff see their firm's, a contact its own account's.
    /// </summary>
    public static IQueryable<InvoiceDeliveryRow> Latest(PortalDbContext db)
    {
        var sends = db.Set<InvoiceTimelineEntry>().Where(e => e.Kind == InvoiceTimelineKind.Sent || e.Kind == InvoiceTimelineKind.NotSentNoEmail);
        return from e in sends
               where !sends.Any(later => later.InvoiceId == e.InvoiceId && (later.At > e.At || (later.At == e.At && later.Id.CompareTo(e.Id) > 0)))
               select new InvoiceDeliveryRow { InvoiceId = e.InvoiceId, Kind = e.Kind, At = e.At, Recipient = e.Recipient };
    }

    public static async Task<Dictionary<Guid, InvoiceDeliveryRow>> ForAsync(PortalDbContext db, IReadOnlyCollection<Guid> invoiceIds, CancellationToken cancellationToken = default) =>
        await Latest(db).Where(r => invoiceIds.Contains(r.InvoiceId)).ToDictionaryAsync(r => r.InvoiceId, cancellationToken);
}

/// <summary>Clients an invoice email cannot reach (no billing address, or opted out): lists mark their invoices "not sent: no email".</summary>
public static class ClientsWithoutEmail
{
    /// <summary>Of <paramref name="clientIds"/>, those with no address to send to; the rule of <c>ClientAccount.InvoiceEmailRecipient</c>, in SQL.</summary>
    public static async Task<HashSet<Guid>> AmongAsync(PortalDbContext db, IReadOnlyCollection<Guid> clientIds, CancellationToken cancellationToken = default) =>
        (await db.ClientAccounts.Where(c => clientIds.Contains(c.Id) && (c.InvoiceEmailsOptedOut || c.BillingEmail == ""))
            .Select(c => c.Id).ToListAsync(cancellationToken)).ToHashSet();
}
