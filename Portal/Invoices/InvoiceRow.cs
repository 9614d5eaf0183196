using Portal.Data;
using Portal.Domain;
using Portal.Domain.Invoices;

namespace Portal.Invoices;

/// <summary>One invoice as lists show it, projected in SQL (init properties, so EF can sort and filter on them).</summary>
public sealed record InvoiceRow
{
    public Guid Id { get; init; }
    public string? Number { get; init; }
    public Guid ClientAccountId { get; init; }
    public string ClientName { get; init; } = "";
    public InvoiceStatus Status { get; init; }
    public DateOnly IssueDate { get; init; }
    public DateOnly DueDate { get; init; }
    public Currency Currency { get; init; }
    public long TotalMinor { get; init; }
    public long PaidMinor { get; init; }
    /// <summary>Credit notes given back on the invoice (a refund as credit): no longer due.</summary>
    public long CreditedMinor { get; init; }
    public long PendingMinor { get; init; }

    public Money Total => new(TotalMinor, Currency);
    public Money AmountDue => new(Status == InvoiceStatus.Void ? 0 : TotalMinor - CreditedMinor - PaidMinor, Currency);
    public bool AcceptsPayment => Status is InvoiceStatus.Open or InvoiceStatus.PartiallyPaid;
    public bool IsOverdue(DateOnly today) => AcceptsPayment && DueDate < today;
    public bool IsProcessing => AcceptsPayment && PendingMinor > 0;

    public static IQueryable<InvoiceRow> Query(IQueryable<Invoice> invoices, PortalDbContext db) =>
        from i in invoices
        join c in db.ClientAccounts on i.ClientAccountId equals c.Id
        select new InvoiceRow
        {
            Id = i.Id, Number = i.Number, ClientAccountId = i.ClientAccountId, ClientName = c.Name, Status = i.Status,
            IssueDate = i.IssueDate, DueDate = i.DueDate, Currency = i.Currency, TotalMinor = i.TotalMinor, PaidMinor = i.PaidMinor,
            CreditedMinor = i.CreditedMinor, PendingMinor = i.PendingMinor,
        };
}

public static class InvoiceRowExtensions
{
    public static bool IsIssuedOrPaid(this InvoiceRow row) => row.Status is InvoiceStatus.Open or InvoiceStatus.PartiallyPaid or InvoiceStatus.Paid;
}
