using Microsoft.EntityFrameworkCore;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;

namespace Portal.Data;

/// <summary>
/// Indexes that carry the columns a list filters or sums on, so PostgreSQL answers from the index alone among a
/// firm's 100,000 invoices (an index-only scan) instead of visiting each row. PostgreSQL only, like
/// <see cref="SearchIndexes"/>: the embedded database holds one small firm.
/// </summary>
internal static class CoveringIndexes
{
    public static void Add(ModelBuilder builder)
    {
        // The client list sorted or filtered by amount due sums every client's open invoices in one pass.
        // The collections view ages its page's clients' open invoices by due date and currency from it too.
        builder.Entity<Invoice>().HasIndex(i => new { i.FirmId, i.ClientAccountId }, "IX_Invoices_Open_ByClient")
            .HasFilter("\"Status\" IN ('Open', 'PartiallyPaid')")
            .IncludeProperties(i => new { i.TotalMinor, i.CreditedMinor, i.PaidMinor, i.Currency, i.DueDate });
        // The collections view finds the clients it lists, and their order, from the open invoices past their due date:
        // read from the index alone, not from rows spread over the whole table.
        builder.Entity<Invoice>().HasIndex(i => new { i.FirmId, i.DueDate }, "IX_Invoices_Open_ByDueDate")
            .HasFilter("\"Status\" IN ('Open', 'PartiallyPaid')")
            .IncludeProperties(i => new { i.ClientAccountId, i.Currency, i.TotalMinor, i.CreditedMinor, i.PaidMinor });
        // The payment list leaves out attempts that never reached the provider (Payment.ReachedMoneyStage): the
        // columns that decide it ride along, so a deep page or a sort by amount reads no row it will not show.
        builder.Entity<Payment>().HasIndex(p => new { p.FirmId, p.CreatedAt, p.Id })
            .IncludeProperties(p => new { p.Status, p.PendingAt, p.SucceededAt });
        builder.Entity<Payment>().HasIndex(p => new { p.FirmId, p.AmountMinor, p.Id })
            .IncludeProperties(p => new { p.Status, p.PendingAt, p.SucceededAt });
    }
}
