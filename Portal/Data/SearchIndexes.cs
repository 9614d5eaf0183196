using Microsoft.EntityFrameworkCore;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;

namespace Portal.Data;

/// <summary>
/// The trigram indexes behind the lists' search boxes (see <see cref="TextSearch"/>), on PostgreSQL only: they let
/// ILIKE '%term%' find a number, reference, name or email by index among a firm's 100,000 invoices. SQLite has no
/// such index and its embedded single-firm tables are small, so its model and migrations leave them out.
/// </summary>
internal static class SearchIndexes
{
    public static void Add(ModelBuilder builder)
    {
        builder.HasPostgresExtension("pg_trgm");
        builder.Entity<Invoice>().HasIndex(i => i.Number, "IX_Invoices_Number_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.Entity<Invoice>().HasIndex(i => i.Reference, "IX_Invoices_Reference_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.Entity<ClientAccount>().HasIndex(c => c.Name, "IX_ClientAccounts_Name_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.Entity<ClientAccount>().HasIndex(c => c.BillingEmail, "IX_ClientAccounts_BillingEmail_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.Entity<Payment>().HasIndex(p => p.Reference, "IX_Payments_Reference_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
    }
}
