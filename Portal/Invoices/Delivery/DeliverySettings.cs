using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;

namespace Portal.Invoices.Delivery;

/// <summary>Owner and admin settings of how invoices reach clients, and a client's opt-out of invoice emails.</summary>
public sealed class DeliverySettings(IDbContextFactory<PortalDbContext> dbFactory, AuditRecorder audit)
{
    public async Task SaveAsync(bool emailInvoicesWhenIssued, bool guestPayAllowed, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        var before = Describe(firm.EmailInvoicesWhenIssued, firm.GuestPayAllowed);
        firm.ChangeDelivery(emailInvoicesWhenIssued, guestPayAllowed);
        audit.Record(db, "Invoice delivery changed", "Firm", firm.Id, before, Describe(emailInvoicesWhenIssued, guestPayAllowed));
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task SetClientOptOutAsync(Guid clientAccountId, bool optedOut, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var client = await db.ClientAccounts.SingleOrDefaultAsync(c => c.Id == clientAccountId, cancellationToken) ?? throw new NotFoundException("client");
        client.OptOutOfInvoiceEmails(optedOut);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Describe(bool emailWhenIssued, bool guestPay) =>
        $"email when issued {(emailWhenIssued ? "on" : "off")}; pay without an account {(guestPay ? "on" : "off")}";
}
