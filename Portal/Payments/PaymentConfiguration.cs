using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;

namespace Portal.Payments;

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> payment)
    {
        payment.HasKey(p => p.Id);
        payment.HasOne<ClientAccount>().WithMany().HasForeignKey(p => p.ClientAccountId).OnDelete(DeleteBehavior.Restrict);
        // A client's payments, newest first; also serves the foreign key. A client id is unique across firms, so
        // the firm's id would only make every insert longer.
        payment.HasIndex(p => new { p.ClientAccountId, p.CreatedAt });
        // The staff payment list, newest first, a page at a time.
        payment.HasIndex(p => new { p.FirmId, p.CreatedAt, p.Id });
        // A provider id names one payment of a firm; webhooks find the payment by it. Payments recorded by hand
        // or from credit have none and stay out of these indexes.
        payment.HasIndex(p => new { p.FirmId, p.Provider, p.ProviderCheckoutId }).IsUnique().HasFilter("\"ProviderCheckoutId\" IS NOT NULL");
        payment.HasIndex(p => new { p.FirmId, p.Provider, p.ProviderPaymentId }).IsUnique().HasFilter("\"ProviderPaymentId\" IS NOT NULL");
        payment.Property(p => p.ProviderCheckoutId).HasMaxLength(Payment.MaxProviderIdLength);
        payment.Property(p => p.ProviderPaymentId).HasMaxLength(Payment.MaxProviderIdLength);
        payment.Property(p => p.Reference).HasMaxLength(200);
        payment.Property(p => p.FailureReason).HasMaxLength(500);
        // Webhook processors and staff may touch the same payment at once: the later write retries.
        payment.Property(p => p.Version).IsConcurrencyToken();
        payment.Ignore(p => p.Amount);
        payment.Ignore(p => p.Fee);
        payment.Ignore(p => p.Refunded);
        payment.Ignore(p => p.CreditedBack);
        payment.Ignore(p => p.Retained);
        payment.Ignore(p => p.ToWallet);
        payment.Ignore(p => p.ToInvoices);
        payment.Ignore(p => p.ReceivedInto);
        payment.HasMany(p => p.Allocations).WithOne().HasForeignKey(a => a.PaymentId).OnDelete(DeleteBehavior.Cascade);
        payment.Navigation(p => p.Allocations).HasField("_allocations").AutoInclude();
    }
}

internal sealed class PaymentAllocationConfiguration : IEntityTypeConfiguration<PaymentAllocation>
{
    public void Configure(EntityTypeBuilder<PaymentAllocation> allocation)
    {
        allocation.HasKey(a => a.Id);
        // The domain makes ids; an allocation added to a loaded payment (credit given back) must be inserted, not updated.
        allocation.Property(a => a.Id).ValueGeneratedNever();
        allocation.HasOne<Invoice>().WithMany().HasForeignKey(a => a.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        // The foreign keys' indexes (by payment, by invoice) are all its queries need.
        allocation.Ignore(a => a.Amount);
        allocation.Ignore(a => a.Reserved);
        allocation.Ignore(a => a.IsToWallet);
    }
}
