using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Invoices;
using Portal.Firms;

namespace Portal.Invoices;

/// <summary>The columns the invoice lists sort on.</summary>
public enum InvoiceSort { Due, Number, Client, Issued, Status, Total }

/// <summary>
/// What an invoice list shows: filters, search, sort and page. Staff see the firm's invoices; a client's contact
/// only its own account's issued ones (the tenant filters decide, whatever the request says).
/// </summary>
public sealed record InvoiceListRequest
{
    public string? Search { get; init; }
    public InvoiceStatus? Status { get; init; }
    /// <summary>Open or partly paid invoices whose due date has passed (by the firm's clock).</summary>
    public bool Overdue { get; init; }
    public Guid? ClientId { get; init; }
    public DateOnly? DueFrom { get; init; }
    public DateOnly? DueTo { get; init; }
    public InvoiceSort Sort { get; init; } = InvoiceSort.Due;
    public bool Descending { get; init; } = true;
    /// <summary>Zero-based.</summary>
    public int Page { get; init; }
    public int PageSize { get; init; } = ListPaging.DefaultPageSize;
}

/// <summary>
/// The invoice lists (staff, and a client's own) in SQL: filter, count, sort and take one page, whatever the size
/// of the firm. The page's ids are chosen on the invoices table alone (its indexes on firm + sort column answer
/// it, deep pages included); only those rows are then joined to their client.
/// </summary>
public sealed class InvoiceListQuery(IDbContextFactory<PortalDbContext> dbFactory, FirmCalendar calendar)
{
    public async Task<ListPage<InvoiceRow>> RunAsync(InvoiceListRequest request, CancellationToken cancellationToken = default)
    {
        if (request.DueFrom is { } from && request.DueTo is { } to && from > to)
            return new ListPage<InvoiceRow>([], 0);
        var pageSize = ListPaging.PageSize(request.PageSize);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invoices = await FilterAsync(db, request, cancellationToken);
        var total = await invoices.CountAsync(cancellationToken);
        var skip = ListPaging.Skip(request.Page, pageSize);
        if (total == 0 || skip >= total)
            return new ListPage<InvoiceRow>([], total);

        List<Guid> ids;
        if (request.Sort == InvoiceSort.Client)
        {
            var byClient = from i in invoices join c in db.ClientAccounts on i.ClientAccountId equals c.Id select new { i.Id, c.Name };
            ids = await (request.Descending ? byClient.OrderByDescending(r => r.Name).ThenByDescending(r => r.Id) : byClient.OrderBy(r => r.Name).ThenBy(r => r.Id))
                .Skip(skip).Take(pageSize).Select(r => r.Id).ToListAsync(cancellationToken);
        }
        else
        {
            ids = await Ordered(invoices, request.Sort, request.Descending).Skip(skip).Take(pageSize).Select(i => i.Id).ToListAsync(cancellationToken);
        }
        var rows = await InvoiceRow.Query(db.Invoices.Where(i => ids.Contains(i.Id)), db).AsNoTracking().ToListAsync(cancellationToken);
        var position = ids.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        return new ListPage<InvoiceRow>(rows.OrderBy(r => position[r.Id]).ToList(), total);
    }

    private async Task<IQueryable<Invoice>> FilterAsync(PortalDbContext db, InvoiceListRequest request, CancellationToken cancellationToken)
    {
        // The tenant filters keep the firm's rows (and a contact's own account's); drafts are the firm's work in progress.
        var invoices = db.Invoices.AsNoTracking();
        if (db.Tenant.ClientAccountId is not null)
            invoices = invoices.Where(i => i.Status != InvoiceStatus.Draft);
        if (request.Status is { } status)
            invoices = invoices.Where(i => i.Status == status);
        if (request.Overdue)
        {
            var today = await calendar.TodayAsync(cancellationToken);
            invoices = invoices.Where(i => (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid) && i.DueDate < today);
        }
        if (request.ClientId is { } clientId)
            invoices = invoices.Where(i => i.ClientAccountId == clientId);
        if (request.DueFrom is { } from)
            invoices = invoices.Where(i => i.DueDate >= from);
        if (request.DueTo is { } to)
            invoices = invoices.Where(i => i.DueDate <= to);
        if (TextSearch.Term(request.Search) is { } term)
        {
            var pattern = TextSearch.ContainsPattern(term);
            // Clients first (a few at most among thousands, by their own index), then invoices by number, reference or
            // one of those clients: three conditions PostgreSQL answers from three indexes at once, where a join would
            // have it read every invoice of the firm.
            var clients = await MatchingClientIds(db, pattern).ToListAsync(cancellationToken);
            invoices = db.Database.IsNpgsql()
                ? invoices.Where(i => EF.Functions.ILike(i.Number!, pattern, TextSearch.Escape) || EF.Functions.ILike(i.Reference!, pattern, TextSearch.Escape) || clients.Contains(i.ClientAccountId))
                : invoices.Where(i => EF.Functions.Like(i.Number, pattern, TextSearch.Escape) || EF.Functions.Like(i.Reference, pattern, TextSearch.Escape) || clients.Contains(i.ClientAccountId));
        }
        return invoices;
    }

    internal static IQueryable<Guid> MatchingClientIds(PortalDbContext db, string pattern) => db.Database.IsNpgsql()
        ? db.ClientAccounts.Where(c => EF.Functions.ILike(c.Name, pattern, TextSearch.Escape)).Select(c => c.Id)
        : db.ClientAccounts.Where(c => EF.Functions.Like(c.Name, pattern, TextSearch.Escape)).Select(c => c.Id);

    // The id breaks ties, so a row never shows on two pages or on none.
    private static IQueryable<Invoice> Ordered(IQueryable<Invoice> invoices, InvoiceSort sort, bool descending) => (sort, descending) switch
    {
        (InvoiceSort.Number, false) => invoices.OrderBy(i => i.Number).ThenBy(i => i.Id),
        (InvoiceSort.Number, true) => invoices.OrderByDescending(i => i.Number).ThenByDescending(i => i.Id),
        (InvoiceSort.Issued, false) => invoices.OrderBy(i => i.IssueDate).ThenBy(i => i.Id),
        (InvoiceSort.Issued, true) => invoices.OrderByDescending(i => i.IssueDate).ThenByDescending(i => i.Id),
        (InvoiceSort.Status, false) => invoices.OrderBy(i => i.Status).ThenBy(i => i.Id),
        (InvoiceSort.Status, true) => invoices.OrderByDescending(i => i.Status).ThenByDescending(i => i.Id),
        (InvoiceSort.Total, false) => invoices.OrderBy(i => i.TotalMinor).ThenBy(i => i.Id),
        (InvoiceSort.Total, true) => invoices.OrderByDescending(i => i.TotalMinor).ThenByDescending(i => i.Id),
        (InvoiceSort.Due or InvoiceSort.Client, false) => invoices.OrderBy(i => i.DueDate).ThenBy(i => i.Id),
        (InvoiceSort.Due or InvoiceSort.Client, true) => invoices.OrderByDescending(i => i.DueDate).ThenByDescending(i => i.Id),
    };
}
