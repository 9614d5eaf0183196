using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;

namespace Portal.DirectDebit;

internal sealed class DirectDebitMandateConfiguration : IEntityTypeConfiguration<DirectDebitMandate>
{
    public void Configure(EntityTypeBuilder<DirectDebitMandate> mandate)
    {
        mandate.HasKey(m => m.Id);
        mandate.HasOne<ClientAccount>().WithMany().HasForeignKey(m => m.ClientAccountId).OnDelete(DeleteBehavior.Restrict);
        // A GoCardless mandate belongs to one client of one firm; webhooks find it by its id.
        mandate.HasIndex(m => new { m.FirmId, m.MandateId }).IsUnique();
        mandate.HasIndex(m => new { m.FirmId, m.ClientAccountId, m.Currency });
        mandate.Property(m => m.MandateId).HasMaxLength(DirectDebitMandate.MaxIdLength);
        mandate.Property(m => m.CustomerId).HasMaxLength(DirectDebitMandate.MaxIdLength);
        mandate.Property(m => m.Scheme).HasMaxLength(40);
        mandate.Property(m => m.BankName).HasMaxLength(200);
        mandate.Property(m => m.AccountNumberEnding).HasMaxLength(4);
        mandate.Property(m => m.Reference).HasMaxLength(DirectDebitMandate.MaxReferenceLength);
        mandate.Ignore(m => m.IsUsable);
    }
}

internal sealed class ScheduledCollectionConfiguration : IEntityTypeConfiguration<ScheduledCollection>
{
    public void Configure(EntityTypeBuilder<ScheduledCollection> collection)
    {
        collection.HasKey(c => c.PaymentId);
        collection.HasIndex(c => new { c.FirmId, c.InvoiceId });
        collection.Property(c => c.MandateId).HasMaxLength(DirectDebitMandate.MaxIdLength);
    }
}

internal sealed class DirectDebitRetryConfiguration : IEntityTypeConfiguration<DirectDebitRetry>
{
    public void Configure(EntityTypeBuilder<DirectDebitRetry> retry)
    {
        retry.HasKey(r => r.Id);
        retry.HasOne<ClientAccount>().WithMany().HasForeignKey(r => r.ClientAccountId).OnDelete(DeleteBehavior.Restrict);
        retry.HasOne<Invoice>().WithMany().HasForeignKey(r => r.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        // One plan per failed collection and one retry per try of an invoice: a redelivered failure or a second
        // instance plans nothing more.
        retry.HasIndex(r => r.FailedPaymentId).IsUnique();
        retry.HasIndex(r => new { r.InvoiceId, r.Attempt }).IsUnique();
        // The sweep's question: what is due in this firm?
        retry.HasIndex(r => new { r.FirmId, r.Status, r.PlannedFor });
        retry.Property(r => r.FailureCause).HasMaxLength(100);
        retry.Ignore(r => r.RequestKey);
        retry.Property(r => r.Version).IsConcurrencyToken();
    }
}
