using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Invoices;

namespace Portal.Payments;

/// <summary>The columns the staff payment list sorts on.</summary>
public enum PaymentSort { Date, Client, Method, Status, Amount }

public sealed record PaymentListRequest
{
    /// <summary>Matches the payment's reference, its client's name or the number of an invoice it pays.</summary>
    public string? Search { get; init; }
    public PaymentMethod? Method { get; init; }
    public PaymentStatus? Status { get; init; }
    /// <summary>First and last day (the firm's calendar) the payment was recorded or started, both included.</summary>
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public PaymentSort Sort { get; init; } = PaymentSort.Date;
    public bool Descending { get; init; } = true;
    /// <summary>Zero-based.</summary>
    public int Page { get; init; }
    public int PageSize { get; init; } = ListPaging.DefaultPageSize;
}

/// <summary>One payment as the staff list shows it (init properties, so EF can sort on them).</summary>
public sealed record PaymentListRow
{
    public Guid Id { get; init; }
    public Guid ClientAccountId { get; init; }
    public string ClientName { get; init; } = "";
    public PaymentMethod Method { get; init; }
    public PaymentStatus Status { get; init; }
    public Currency Currency { get; init; }
    public long AmountMinor { get; init; }
    public string? Reference { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public Money Amount => new(AmountMinor, Currency);
}

/// <summary>
/// The staff payment list in SQL. A card or mandate page the client never finished took no money and is no
/// payment (as on the live feed): such attempts are left out. The page's ids are chosen on the payments table
/// alone, by its (firm, date) index; only those rows are joined to their client.
/// </summary>
public sealed class PaymentListQuery(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<ListPage<PaymentListRow>> RunAsync(PaymentListRequest request, CancellationToken cancellationToken = default)
    {
        if (request.From is { } from && request.To is { } to && from > to)
            return new ListPage<PaymentListRow>([], 0);
        var pageSize = ListPaging.PageSize(request.PageSize);
        var skip = ListPaging.Skip(request.Page, pageSize);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payments = await FilterAsync(db, request, cancellationToken);
        var total = await payments.CountAsync(cancellationToken);
        if (total == 0 || skip >= total)
            return new ListPage<PaymentListRow>([], total);

        var rows = Rows(db, payments);
        List<Guid> ids = await ((request.Sort, request.Descending) switch
        {
            (PaymentSort.Client, false) => rows.OrderBy(r => r.ClientName).ThenBy(r => r.Id).Skip(skip).Take(pageSize).Select(r => r.Id).ToListAsync(cancellationToken),
            (PaymentSort.Client, true) => rows.OrderByDescending(r => r.ClientName).ThenByDescending(r => r.Id).Skip(skip).Take(pageSize).Select(r => r.Id).ToListAsync(cancellationToken),
            _ => Ordered(payments, request.Sort, request.Descending).Skip(skip).Take(pageSize).Select(p => p.Id).ToListAsync(cancellationToken),
        });
        var page = await Rows(db, db.Payments.Where(p => ids.Contains(p.Id))).ToListAsync(cancellationToken);
        var position = ids.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        return new ListPage<PaymentListRow>(page.OrderBy(r => position[r.Id]).ToList(), total);
    }

    private static async Task<IQueryable<Payment>> FilterAsync(PortalDbContext db, PaymentListRequest request, CancellationToken cancellationToken)
    {
        // IgnoreAutoIncludes: the list needs no allocations loaded, only to look into them for a search.
        var payments = db.Payments.AsNoTracking().IgnoreAutoIncludes().Where(Payment.ReachedMoneyStage);
        if (request.Method is { } method)
            payments = payments.Where(p => p.Method == method);
        if (request.Status is { } status)
            payments = payments.Where(p => p.Status == status);
        // Days of the firm's calendar, as the list shows them.
        var calendar = request.From is null && request.To is null ? default : await Portal.Firms.FirmCalendar.OfAsync(db, cancellationToken);
        if (request.From is { } from)
        {
            var start = calendar.StartOf(from);
            payments = payments.Where(p => p.CreatedAt >= start);
        }
        if (request.To is { } to)
        {
            var end = calendar.EndOf(to);
            payments = payments.Where(p => p.CreatedAt < end);
        }
        if (TextSearch.Term(request.Search) is { } term)
        {
            var pattern = TextSearch.ContainsPattern(term);
            // Clients, invoices and the payments on those invoices first, each by its own index, so that the payments are
            // found by three index conditions PostgreSQL combines; a subquery on allocations would have it read them all.
            var clients = await InvoiceListQuery.MatchingClientIds(db, pattern).ToListAsync(cancellationToken);
            var npgsql = db.Database.IsNpgsql();
            var invoices = await (npgsql
                ? db.Invoices.Where(i => EF.Functions.ILike(i.Number!, pattern, TextSearch.Escape))
                : db.Invoices.Where(i => EF.Functions.Like(i.Number, pattern, TextSearch.Escape))).Select(i => (Guid?)i.Id).ToListAsync(cancellationToken);
            var paying = invoices.Count == 0 ? []
                : await db.PaymentAllocations.Where(a => invoices.Contains(a.InvoiceId)).Select(a => a.PaymentId).Distinct().ToListAsync(cancellationToken);
            payments = npgsql
                ? payments.Where(p => EF.Functions.ILike(p.Reference!, pattern, TextSearch.Escape) || clients.Contains(p.ClientAccountId) || paying.Contains(p.Id))
                : payments.Where(p => EF.Functions.Like(p.Reference, pattern, TextSearch.Escape) || clients.Contains(p.ClientAccountId) || paying.Contains(p.Id));
        }
        return payments;
    }

    private static IQueryable<PaymentListRow> Rows(PortalDbContext db, IQueryable<Payment> payments) =>
        from p in payments.AsNoTracking().IgnoreAutoIncludes()
        join c in db.ClientAccounts on p.ClientAccountId equals c.Id
        select new PaymentListRow
        {
            Id = p.Id, ClientAccountId = p.ClientAccountId, ClientName = c.Name, Method = p.Method, Status = p.Status,
            Currency = p.Currency, AmountMinor = p.AmountMinor, Reference = p.Reference, CreatedAt = p.CreatedAt,
        };

    // The id breaks ties, so a row never shows on two pages or on none. Amounts in different currencies sort by
    // their minor units: the list is a finding aid, not a sum.
    private static IQueryable<Payment> Ordered(IQueryable<Payment> payments, PaymentSort sort, bool descending) => (sort, descending) switch
    {
        (PaymentSort.Method, false) => payments.OrderBy(p => p.Method).ThenBy(p => p.Id),
        (PaymentSort.Method, true) => payments.OrderByDescending(p => p.Method).ThenByDescending(p => p.Id),
        (PaymentSort.Status, false) => payments.OrderBy(p => p.Status).ThenBy(p => p.Id),
        (PaymentSort.Status, true) => payments.OrderByDescending(p => p.Status).ThenByDescending(p => p.Id),
        (PaymentSort.Amount, false) => payments.OrderBy(p => p.AmountMinor).ThenBy(p => p.Id),
        (PaymentSort.Amount, true) => payments.OrderByDescending(p => p.AmountMinor).ThenByDescending(p => p.Id),
        (PaymentSort.Date or PaymentSort.Client, false) => payments.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id),
        (PaymentSort.Date or PaymentSort.Client, true) => payments.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id),
    };
}
