using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Invoices;
using Portal.Tenancy;

namespace Portal.OutgoingWebhooks;

/// <summary>
/// Raises <c>invoice.overdue</c> for each open invoice whose due date has passed in its firm's time zone, once ever:
/// the invoice notes the announcement (<see cref="Invoice.AnnounceOverdue"/>) and that change raises the event in the
/// same save. Two instances sweeping at once race on the invoice's version; the loser saves nothing and moves on.
/// Run by the hourly sweep, which also picks up each firm's local midnight within the hour.
/// </summary>
public sealed class OverdueInvoiceEvents(IServiceScopeFactory scopes, TimeProvider clock)
{
    /// <summary>One pass over every firm; returns how many invoices were announced overdue.</summary>
    public async Task<int> AnnounceAsync(CancellationToken cancellationToken = default)
    {
        List<Guid> firmIds;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            // Not yet announced and due before tomorrow anywhere on Earth: the firm's own day decides below.
            var latest = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1);
            firmIds = await db.Invoices.IgnoreQueryFilters()
                .Where(i => (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid) && i.OverdueAnnouncedAt == null && i.DueDate < latest)
                .Select(i => i.FirmId).Distinct().ToListAsync(cancellationToken);
        }
        var announced = 0;
        foreach (var firmId in firmIds)
            announced += await AnnounceForFirmAsync(firmId, cancellationToken);
        return announced;
    }

    private async Task<int> AnnounceForFirmAsync(Guid firmId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firmId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = clock.GetUtcNow();
        var today = (await db.Firms.AsNoTracking().SingleAsync(f => f.Id == firmId, cancellationToken)).LocalToday(now);
        var invoices = await db.Invoices
            .Where(i => (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid) && i.OverdueAnnouncedAt == null && i.DueDate < today)
            .ToListAsync(cancellationToken);
        var announced = 0;
        foreach (var invoice in invoices)
        {
            // After a conflict the context was cleared (with the event the failed save had raised): track this one again.
            if (db.Entry(invoice).State == EntityState.Detached)
                db.Attach(invoice);
            if (!invoice.AnnounceOverdue(today, now))
                continue;
            try
            {
                // One save per invoice: a payment or another instance touching one invoice costs only that one.
                await db.SaveChangesAsync(cancellationToken);
                announced++;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Paid, voided or announced meanwhile: the next sweep sees what it is now. Clearing also drops the
                // event this save had raised, so it cannot ride along with the next invoice's save.
                db.ChangeTracker.Clear();
            }
        }
        return announced;
    }
}
