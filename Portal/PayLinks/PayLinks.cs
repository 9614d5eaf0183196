using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;

namespace Portal.PayLinks;

/// <summary>Why a pay link does not lead anywhere. Only logs and tests see it: people get one page for all of them.</summary>
public enum PayLinkProblem { Unknown, Expired, Revoked, InvoiceClosed }

public sealed record PayLinkCheck(PayLink? Link, Invoice? Invoice, Firm? Firm, PayLinkProblem? Problem)
{
    public bool IsValid => Problem is null;
}

/// <summary>What a guest holding a pay link may see: that invoice, its client's name and its firm.</summary>
public sealed record GuestInvoice(PayLink Link, Invoice Invoice, Firm Firm, string ClientName);

/// <summary>What a guest holding a link over several invoices may see: the client's invoices it still pays, its client's name and its firm.</summary>
public sealed record GuestInvoices(PayLink Link, Firm Firm, string ClientName, IReadOnlyList<Invoice> Invoices)
{
    public Money Total => Invoices.Aggregate(Money.Zero(Link.Currency!.Value), (sum, i) => sum + i.AmountPayable);
}

/// <summary>Issues, checks and revokes pay links (see <see cref="PayLink"/>).</summary>
public sealed class PayLinks(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, PayLinkTokens tokens)
{
    /// <summary>
    /// Adds a fresh link for <paramref name="invoice"/> to the caller's unit of work and returns its token. The older
    /// links of the invoice are revoked in the same save: one live link per invoice, the one in the latest email, so
    /// an address that changed or a forwarded old email stops opening the invoice once it has been sent again.
    /// </summary>
    public async Task<string> IssueAsync(PortalDbContext db, Invoice invoice, string recipient, Guid sentByEntryId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        foreach (var older in await db.Set<PayLink>().Where(l => l.InvoiceId == invoice.Id && l.RevokedAt == null).ToListAsync(cancellationToken))
            older.Revoke(now);
        var id = Guid.CreateVersion7();
        var (token, hash) = tokens.Create(id);
        db.Add(new PayLink(id, invoice, hash, recipient, sentByEntryId, now));
        return token;
    }

    /// <summary>
    /// Adds to the caller's unit of work a link that pays the client's <paramref name="scope"/> invoices in
    /// <paramref name="currency"/>, as they stand when it is opened, and returns its token and id. Older links of the
    /// kind stay: each email's link works until it expires or the owner revokes the client's links, and what it lists
    /// is read when it is opened, so an old one cannot pay more than a new one would.
    /// </summary>
    public (string Token, Guid Id) IssueForClient(PortalDbContext db, ClientAccount client, Currency currency, PayLinkScope scope, string recipient, Guid sentByEntryId)
    {
        var id = Guid.CreateVersion7();
        var (token, hash) = tokens.Create(id);
        db.Add(PayLink.ForClient(id, client, currency, scope, hash, recipient, sentByEntryId, clock.GetUtcNow()));
        return (token, id);
    }

    /// <summary>
    /// The invoices a link over several invoices pays now: its own firm's, its own client's, in its currency, still
    /// owed (and past due for <see cref="PayLinkScope.OverdueInvoices"/>, by the firm's date). Read across tenants by the
    /// link's own ids, as a guest is nobody yet.
    /// </summary>
    internal async Task<List<Invoice>> InvoicesOfAsync(PortalDbContext db, PayLink link, Firm firm, CancellationToken cancellationToken)
    {
        var currency = link.Currency ?? throw new InvalidOperationException("A link for one invoice lists no others.");
        var today = firm.LocalToday(clock.GetUtcNow());
        var query = db.Invoices.IgnoreQueryFilters().AsNoTracking()
            .Where(i => i.FirmId == link.FirmId && i.ClientAccountId == link.ClientAccountId && i.Currency == currency
                && (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid));
        if (link.Scope == PayLinkScope.OverdueInvoices)
            query = query.Where(i => i.DueDate < today);
        var invoices = await query.ToListAsync(cancellationToken);
        return invoices.Where(i => i.AcceptsPayment && i.AmountPayable.IsPositive).OrderBy(i => i.DueDate).ThenBy(i => i.Number).ToList();
    }

    /// <summary>
    /// The token of the invoice's live link, for its PDF: the link of the latest send while it is open, else a new one
    /// (the first download before any send, or after the link was revoked or expired), which then becomes the one live
    /// link. Null when the invoice cannot be paid. Reads and writes through the caller's tenant.
    /// </summary>
    public async Task<string?> LiveTokenAsync(Guid invoiceId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invoice = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == invoiceId, cancellationToken);
        if (invoice is null || !invoice.AcceptsPayment)
            return null;
        var now = clock.GetUtcNow();
        var live = await db.Set<PayLink>().AsNoTracking()
            .Where(l => l.InvoiceId == invoiceId && l.RevokedAt == null && l.ExpiresAt > now)
            .OrderByDescending(l => l.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        // A link from before tokens were derived cannot be written again: it is replaced like a dead one.
        if (live is not null && tokens.Recover(live.Id, live.TokenHash) is { } current)
            return current;
        var client = await db.ClientAccounts.AsNoTracking().SingleAsync(c => c.Id == invoice.ClientAccountId, cancellationToken);
        var issued = await IssueAsync(db, invoice, client.InvoiceEmailRecipient ?? "", Guid.Empty, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return issued;
    }

    /// <summary>Checks a token from a URL, before anyone is known: across firms, by its hash.</summary>
    public async Task<PayLinkCheck> CheckAsync(string? token, CancellationToken cancellationToken = default)
    {
        // Text that cannot be one of our tokens is refused before any look-up.
        if (SecretToken.HashOf(token) is not { } hash)
            return new(null, null, null, PayLinkProblem.Unknown);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var link = await db.Set<PayLink>().IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(l => l.TokenHash == hash, cancellationToken);
        // The index found the row by hash; compare again in constant time so nothing about the stored hash leaks by timing.
        if (link is null || !CryptographicOperations.FixedTimeEquals(Convert.FromHexString(link.TokenHash), Convert.FromHexString(hash)))
            return new(null, null, null, PayLinkProblem.Unknown);
        if (link.RevokedAt is not null)
            return new(link, null, null, PayLinkProblem.Revoked);
        if (link.ExpiresAt <= clock.GetUtcNow())
            return new(link, null, null, PayLinkProblem.Expired);
        var firm = await db.Firms.IgnoreQueryFilters().AsNoTracking().SingleAsync(f => f.Id == link.FirmId, cancellationToken);
        // A link over several invoices opens even when nothing is left on it: its page says so.
        if (link.InvoiceId is null)
            return new(link, null, firm, null);
        var invoice = await db.Invoices.IgnoreQueryFilters().AsNoTracking()
            .SingleAsync(i => i.Id == link.InvoiceId && i.FirmId == link.FirmId, cancellationToken);
        if (!invoice.AcceptsPayment)
            return new(link, invoice, null, PayLinkProblem.InvoiceClosed);
        return new(link, invoice, firm, null);
    }

    /// <summary>Counts an opening of a valid link and puts it on the timeline of each invoice it shows.</summary>
    public async Task RecordOpenedAsync(Guid linkId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var link = await db.Set<PayLink>().IgnoreQueryFilters().SingleAsync(l => l.Id == linkId, cancellationToken);
        var now = clock.GetUtcNow();
        link.Opened(now);
        if (link.InvoiceId is null)
        {
            var firm = await db.Firms.IgnoreQueryFilters().AsNoTracking().SingleAsync(f => f.Id == link.FirmId, cancellationToken);
            foreach (var shown in await InvoicesOfAsync(db, link, firm, cancellationToken))
                db.Add(InvoiceTimelineEntry.LinkOpened(shown, now));
        }
        else
        {
            var invoice = await db.Invoices.IgnoreQueryFilters().AsNoTracking().SingleAsync(i => i.Id == link.InvoiceId && i.FirmId == link.FirmId, cancellationToken);
            db.Add(InvoiceTimelineEntry.LinkOpened(invoice, now));
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The invoice a guest session (see <see cref="GuestSessions"/>) may show, or null once its link was revoked or the
    /// invoice voided. A link closed because the invoice was paid still shows it, paid, to the guest who just paid it.
    /// </summary>
    public async Task<GuestInvoice?> GuestAsync(Guid linkId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var link = await db.Set<PayLink>().IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(l => l.Id == linkId, cancellationToken);
        if (link is null || link.RevokedAt is not null || link.InvoiceId is null)
            return null;
        var firm = await db.Firms.IgnoreQueryFilters().AsNoTracking().SingleAsync(f => f.Id == link.FirmId, cancellationToken);
        var invoice = await db.Invoices.IgnoreQueryFilters().AsNoTracking()
            .SingleAsync(i => i.Id == link.InvoiceId && i.FirmId == link.FirmId, cancellationToken);
        if (!firm.GuestPayAllowed || invoice.Status is InvoiceStatus.Void or InvoiceStatus.Draft)
            return null;
        var clientName = await db.ClientAccounts.IgnoreQueryFilters()
            .Where(c => c.Id == link.ClientAccountId && c.FirmId == link.FirmId).Select(c => c.Name).SingleAsync(cancellationToken);
        return new(link, invoice, firm, clientName);
    }

    /// <summary>
    /// What a guest session over a link of several invoices may show: the invoices it still pays (maybe none), or null
    /// once the link was revoked or the firm stopped guest payment, or when the session's link is for one invoice.
    /// </summary>
    public async Task<GuestInvoices?> GuestInvoicesAsync(Guid linkId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var link = await db.Set<PayLink>().IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(l => l.Id == linkId, cancellationToken);
        if (link is null || link.RevokedAt is not null || link.InvoiceId is not null)
            return null;
        var firm = await db.Firms.IgnoreQueryFilters().AsNoTracking().SingleAsync(f => f.Id == link.FirmId, cancellationToken);
        if (!firm.GuestPayAllowed)
            return null;
        var clientName = await db.ClientAccounts.IgnoreQueryFilters()
            .Where(c => c.Id == link.ClientAccountId && c.FirmId == link.FirmId).Select(c => c.Name).SingleAsync(cancellationToken);
        return new(link, firm, clientName, await InvoicesOfAsync(db, link, firm, cancellationToken));
    }

    /// <summary>Owner: revokes every outstanding pay link of one client of the current firm. Returns how many.</summary>
    public async Task<int> RevokeAllForClientAsync(Guid clientAccountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firmId = db.Tenant.FirmId ?? throw new DomainException("Only firm staff can revoke pay links.");
        if (!await db.ClientAccounts.AnyAsync(c => c.Id == clientAccountId, cancellationToken))
            throw new NotFoundException("client");
        var now = clock.GetUtcNow();
        // The tenant filter keeps this inside the firm.
        return await db.Set<PayLink>()
            .Where(l => l.FirmId == firmId && l.ClientAccountId == clientAccountId && l.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.RevokedAt, now), cancellationToken);
    }
}
