using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Ledger;

namespace Portal.Ledger;

internal sealed class LedgerTransactionConfiguration : IEntityTypeConfiguration<LedgerTransaction>
{
    public void Configure(EntityTypeBuilder<LedgerTransaction> transaction)
    {
        transaction.HasKey(t => t.Id);
        // No foreign key to the firm on purpose: every insert would take a share lock on the one firm row, and
        // concurrent writers of one firm would queue on it. Ledger rows are only ever written with the firm's id.
        // A movement asked for twice is stored once (invariant 4).
        transaction.HasIndex(t => new { t.FirmId, t.IdempotencyKey }).IsUnique();
        transaction.HasIndex(t => new { t.FirmId, t.OccurredAt });
        transaction.HasIndex(t => new { t.FirmId, t.PaymentId });
        transaction.Property(t => t.IdempotencyKey).HasMaxLength(LedgerTransaction.MaxKeyLength);
        transaction.Property(t => t.Fingerprint).HasMaxLength(64);
        transaction.Property(t => t.Source).HasMaxLength(500);
        transaction.HasMany(t => t.Postings).WithOne().HasForeignKey(p => p.TransactionId).OnDelete(DeleteBehavior.Restrict);
        transaction.Navigation(t => t.Postings).HasField("_postings");
    }
}

internal sealed class PostingConfiguration : IEntityTypeConfiguration<Posting>
{
    public void Configure(EntityTypeBuilder<Posting> posting)
    {
        posting.HasKey(p => p.Id);
        posting.Property(p => p.AccountCode).HasMaxLength(60);
        // Balances are sums over these: an invoice's receivable, a client's wallet, an account over time. Invoice
        // and client ids are unique across firms; postings without one (the firm's bank, revenue) stay out.
        posting.HasIndex(p => p.InvoiceId).HasFilter("\"InvoiceId\" IS NOT NULL");
        posting.HasIndex(p => new { p.ClientAccountId, p.AccountKind }).HasFilter("\"ClientAccountId\" IS NOT NULL");
        posting.HasIndex(p => new { p.FirmId, p.AccountCode });
        posting.Ignore(p => p.Amount);
        posting.Ignore(p => p.Account);
    }
}

internal sealed class IdempotentRequestConfiguration : IEntityTypeConfiguration<IdempotentRequest>
{
    public void Configure(EntityTypeBuilder<IdempotentRequest> request)
    {
        request.HasKey(r => r.Id);
        request.HasIndex(r => new { r.FirmId, r.Key }).IsUnique();
        request.Property(r => r.Key).HasMaxLength(LedgerTransaction.MaxKeyLength);
        request.Property(r => r.Operation).HasMaxLength(60);
        request.Property(r => r.Fingerprint).HasMaxLength(64);
    }
}
