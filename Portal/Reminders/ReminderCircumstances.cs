using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
using Portal.Domain.Reminders;

namespace Portal.Reminders;

/// <summary>
/// Gathers, for a set of one firm's invoices, what the never-remind rules (<see cref="ReminderRules"/>) look at: disputed
/// payments, direct debits scheduled or in flight, the credit automatic use would spend, and each client's address and
/// wishes. In a few queries for the whole set, so a sweep over a large firm stays quick.
/// </summary>
internal sealed class ReminderCircumstances
{
    private readonly Firm _firm;
    private readonly Dictionary<Guid, ClientAccount> _clients;
    private readonly HashSet<Guid> _disputed;
    private readonly HashSet<Guid> _directDebits;
    private readonly Dictionary<(Guid Client, Currency Currency), long> _credit;

    private ReminderCircumstances(Firm firm, Dictionary<Guid, ClientAccount> clients, HashSet<Guid> disputed, HashSet<Guid> directDebits,
        Dictionary<(Guid, Currency), long> credit)
    {
        _firm = firm;
        _clients = clients;
        _disputed = disputed;
        _directDebits = directDebits;
        _credit = credit;
    }

    public ClientAccount Client(Invoice invoice) => _clients[invoice.ClientAccountId];

    public ClientAccount Client(InvoiceStanding invoice) => _clients[invoice.ClientAccountId];

    public ReminderStanding For(Invoice invoice) => For(InvoiceStanding.Of(invoice));

    public ReminderStanding For(InvoiceStanding invoice)
    {
        var client = _clients[invoice.ClientAccountId];
        Money? credit = _firm.Policy.CreditAutoApply == CreditAutoApply.Off ? null
            : new Money(_credit.GetValueOrDefault((invoice.ClientAccountId, invoice.Currency)), invoice.Currency);
        return new ReminderStanding(invoice, client.InvoiceEmailRecipient, _disputed.Contains(invoice.Id), credit, _directDebits.Contains(invoice.Id),
            client.RemindersPaused, client.RemindersOptedOut, client.PromisedToPayBy);
    }

    /// <summary>Reads the circumstances of <paramref name="invoices"/>, all of <paramref name="firm"/>, through a context acting for that firm.</summary>
    public static Task<ReminderCircumstances> ReadAsync(PortalDbContext db, Firm firm, IReadOnlyCollection<Invoice> invoices, CancellationToken cancellationToken) =>
        ReadAsync(db, firm, [.. invoices.Select(InvoiceStanding.Of)], wholeFirm: false, cancellationToken);

    /// <summary>
    /// Reads the circumstances of <paramref name="invoices"/>, all of <paramref name="firm"/>, through a context acting for
    /// that firm. A sweep (<paramref name="wholeFirm"/>) reads the firm's rows in one go; a page or a handful of invoices
    /// reads those of its clients and invoices only.
    /// </summary>
    public static async Task<ReminderCircumstances> ReadAsync(PortalDbContext db, Firm firm, IReadOnlyCollection<InvoiceStanding> invoices, bool wholeFirm,
        CancellationToken cancellationToken)
    {
        var clientIds = invoices.Select(i => i.ClientAccountId).Distinct().ToList();
        var invoiceIds = invoices.Select(i => i.Id).ToList();
        var clients = await (wholeFirm ? db.ClientAccounts : db.ClientAccounts.Where(c => clientIds.Contains(c.Id)))
            .AsNoTracking().ToDictionaryAsync(c => c.Id, cancellationToken);

        var disputedPayments = db.Payments.Where(p => p.Disputed).Select(p => p.Id);
        var disputed = await db.PaymentAllocations
            .Where(a => a.InvoiceId != null && disputedPayments.Contains(a.PaymentId) && (wholeFirm || invoiceIds.Contains(a.InvoiceId!.Value)))
            .Select(a => a.InvoiceId!.Value).Distinct().ToListAsync(cancellationToken);

        var inFlight = db.Payments.Where(p => p.Status == PaymentStatus.Initiated || p.Status == PaymentStatus.Pending).Select(p => p.Id);
        var directDebits = await db.ScheduledCollections
            .Where(c => c.InvoiceId != null && inFlight.Contains(c.PaymentId) && (wholeFirm || invoiceIds.Contains(c.InvoiceId!.Value)))
            .Select(c => c.InvoiceId!.Value).Distinct().ToListAsync(cancellationToken);

        var credit = new Dictionary<(Guid, Currency), long>();
        if (firm.Policy.CreditAutoApply != CreditAutoApply.Off)
            foreach (var wallet in await (wholeFirm ? db.Wallets : db.Wallets.Where(w => clientIds.Contains(w.ClientAccountId))).AsNoTracking()
                .Where(w => w.BalanceMinor > 0).Select(w => new { w.ClientAccountId, w.Currency, w.BalanceMinor }).ToListAsync(cancellationToken))
                credit[(wallet.ClientAccountId, wallet.Currency)] = wallet.BalanceMinor;

        return new ReminderCircumstances(firm, clients, [.. disputed], [.. directDebits], credit);
    }
}
