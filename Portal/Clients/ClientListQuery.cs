using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;

namespace Portal.Clients;

/// <summary>The columns the client list sorts on.</summary>
public enum ClientSort { Name, Email, Currency, AmountDue, Credit }

public sealed record ClientListRequest
{
    /// <summary>Matches the client's name or billing email.</summary>
    public string? Search { get; init; }
    /// <summary>Only clients with something due on an issued invoice.</summary>
    public bool HasBalanceDue { get; init; }
    /// <summary>Only clients with credit to use (a positive wallet balance).</summary>
    public bool HasCredit { get; init; }
    public ClientSort Sort { get; init; } = ClientSort.Name;
    public bool Descending { get; init; }
    /// <summary>Zero-based.</summary>
    public int Page { get; init; }
    public int PageSize { get; init; } = ListPaging.DefaultPageSize;
}

/// <summary>One client as the staff list shows it: what it owes on open invoices and its credit, both in its currency (init properties, so EF can sort and filter on them).</summary>
public sealed record ClientListRow
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Email { get; init; } = "";
    public Currency Currency { get; init; }
    public long DueMinor { get; init; }
    public long CreditMinor { get; init; }

    public Money Due => new(DueMinor, Currency);
    public Money Credit => new(CreditMinor, Currency);
}

/// <summary>
/// The staff client list in SQL. Amounts due and credit are summed for the page's clients only, unless the list is
/// sorted or filtered on them.
/// </summary>
public sealed class ClientListQuery(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<ListPage<ClientListRow>> RunAsync(ClientListRequest request, CancellationToken cancellationToken = default)
    {
        var pageSize = ListPaging.PageSize(request.PageSize);
        var skip = ListPaging.Skip(request.Page, pageSize);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var clients = db.ClientAccounts.AsNoTracking();
        if (TextSearch.Term(request.Search) is { } term)
        {
            var pattern = TextSearch.ContainsPattern(term);
            clients = db.Database.IsNpgsql()
                ? clients.Where(c => EF.Functions.ILike(c.Name, pattern, TextSearch.Escape) || EF.Functions.ILike(c.BillingEmail, pattern, TextSearch.Escape))
                : clients.Where(c => EF.Functions.Like(c.Name, pattern, TextSearch.Escape) || EF.Functions.Like(c.BillingEmail, pattern, TextSearch.Escape));
        }

        if (!request.HasBalanceDue && !request.HasCredit && request.Sort is ClientSort.Name or ClientSort.Email or ClientSort.Currency)
        {
            // Nothing depends on the amounts but the rows shown: the page is chosen on the clients alone (by the firm's
            // name or email index), and only its clients' invoices are summed.
            var count = await clients.CountAsync(cancellationToken);
            if (count == 0 || skip >= count)
                return new ListPage<ClientListRow>([], count);
            var ids = await Ordered(clients.Select(c => new ClientListRow { Id = c.Id, Name = c.Name, Email = c.BillingEmail, Currency = c.Currency }), request.Sort, request.Descending)
                .Skip(skip).Take(pageSize).Select(c => c.Id).ToListAsync(cancellationToken);
            var rows = await WithAmountsOfEach(db, db.ClientAccounts.AsNoTracking().Where(c => ids.Contains(c.Id))).ToListAsync(cancellationToken);
            var position = ids.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
            return new ListPage<ClientListRow>(rows.OrderBy(r => position[r.Id]).ToList(), count);
        }

        // Sorted or filtered on the amounts: every client of the firm is summed, in one pass over the open invoices
        // (a covering index of them per client) joined to the clients, rather than one look-up per client.
        var withAmounts = WithAmountsOfAll(db, clients);
        if (request.HasBalanceDue)
            withAmounts = withAmounts.Where(c => c.DueMinor > 0);
        if (request.HasCredit)
            withAmounts = withAmounts.Where(c => c.CreditMinor > 0);
        var total = await withAmounts.CountAsync(cancellationToken);
        if (total == 0 || skip >= total)
            return new ListPage<ClientListRow>([], total);
        var page = await Ordered(withAmounts, request.Sort, request.Descending).Skip(skip).Take(pageSize).ToListAsync(cancellationToken);
        return new ListPage<ClientListRow>(page, total);
    }

    // Correlated sums, one look-up of the client's open invoices and of its wallet each: for a page of clients.
    private static IQueryable<ClientListRow> WithAmountsOfEach(PortalDbContext db, IQueryable<ClientAccount> clients) =>
        clients.Select(c => new ClientListRow
        {
            Id = c.Id, Name = c.Name, Email = c.BillingEmail, Currency = c.Currency,
            DueMinor = db.Invoices.Where(i => i.ClientAccountId == c.Id && (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid))
                .Sum(i => (long?)(i.TotalMinor - i.CreditedMinor - i.PaidMinor)) ?? 0,
            CreditMinor = db.Wallets.Where(w => w.ClientAccountId == c.Id && w.Currency == c.Currency).Sum(w => (long?)w.BalanceMinor) ?? 0,
        });

    // The same amounts for every client at once: the open invoices grouped by client in one pass, joined once.
    private static IQueryable<ClientListRow> WithAmountsOfAll(PortalDbContext db, IQueryable<ClientAccount> clients)
    {
        var dues = db.Invoices.Where(i => i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid)
            .GroupBy(i => i.ClientAccountId)
            .Select(g => new { ClientAccountId = g.Key, DueMinor = (long?)g.Sum(i => i.TotalMinor - i.CreditedMinor - i.PaidMinor) });
        return from c in clients
               join d in dues on c.Id equals d.ClientAccountId into due
               from d in due.DefaultIfEmpty()
               select new ClientListRow
               {
                   Id = c.Id, Name = c.Name, Email = c.BillingEmail, Currency = c.Currency,
                   DueMinor = d.DueMinor ?? 0,
                   // One wallet per client and currency: a look-up by its unique index.
                   CreditMinor = db.Wallets.Where(w => w.ClientAccountId == c.Id && w.Currency == c.Currency).Sum(w => (long?)w.BalanceMinor) ?? 0,
               };
    }

    // The id breaks ties, so a row never shows on two pages or on none.
    private static IQueryable<ClientListRow> Ordered(IQueryable<ClientListRow> rows, ClientSort sort, bool descending) => (sort, descending) switch
    {
        (ClientSort.Name, false) => rows.OrderBy(c => c.Name).ThenBy(c => c.Id),
        (ClientSort.Name, true) => rows.OrderByDescending(c => c.Name).ThenByDescending(c => c.Id),
        (ClientSort.Email, false) => rows.OrderBy(c => c.Email).ThenBy(c => c.Id),
        (ClientSort.Email, true) => rows.OrderByDescending(c => c.Email).ThenByDescending(c => c.Id),
        (ClientSort.Currency, false) => rows.OrderBy(c => c.Currency).ThenBy(c => c.Name).ThenBy(c => c.Id),
        (ClientSort.Currency, true) => rows.OrderByDescending(c => c.Currency).ThenBy(c => c.Name).ThenBy(c => c.Id),
        (ClientSort.AmountDue, false) => rows.OrderBy(c => c.DueMinor).ThenBy(c => c.Id),
        (ClientSort.AmountDue, true) => rows.OrderByDescending(c => c.DueMinor).ThenByDescending(c => c.Id),
        (ClientSort.Credit, false) => rows.OrderBy(c => c.CreditMinor).ThenBy(c => c.Id),
        (ClientSort.Credit, true) => rows.OrderByDescending(c => c.CreditMinor).ThenByDescending(c => c.Id),
    };
}
