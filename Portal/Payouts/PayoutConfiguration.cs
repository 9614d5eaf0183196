using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Payments;
using Portal.Domain.Payouts;

namespace Portal.Payouts;

internal sealed class ProviderPayoutConfiguration : IEntityTypeConfiguration<ProviderPayout>
{
    public void Configure(EntityTypeBuilder<ProviderPayout> payout)
    {
        payout.HasKey(p => p.Id);
        // A provider's payout is recorded once per firm: a paid and a failed report racing each other meet here.
        payout.HasIndex(p => new { p.FirmId, p.Provider, p.ProviderPayoutId }).IsUnique();
        // The reconciliation list, newest first.
        payout.HasIndex(p => new { p.FirmId, p.RecordedAt });
        payout.Property(p => p.ProviderPayoutId).HasMaxLength(ProviderPayout.MaxProviderIdLength);
        payout.Ignore(p => p.Net);
        payout.Ignore(p => p.Fees);
        payout.Ignore(p => p.FeeTax);
        payout.Ignore(p => p.UnmatchedCount);
        payout.HasMany(p => p.Items).WithOne().HasForeignKey(i => i.PayoutId).OnDelete(DeleteBehavior.Cascade);
        payout.Navigation(p => p.Items).HasField("_items").AutoInclude();
    }
}

internal sealed class ProviderPayoutItemConfiguration : IEntityTypeConfiguration<ProviderPayoutItem>
{
    public void Configure(EntityTypeBuilder<ProviderPayoutItem> item)
    {
        item.HasKey(i => i.Id);
        item.Property(i => i.Id).ValueGeneratedNever();
        item.Property(i => i.ProviderObjectId).HasMaxLength(ProviderPayout.MaxProviderIdLength);
        item.HasOne<Payment>().WithMany().HasForeignKey(i => i.PaymentId).OnDelete(DeleteBehavior.Restrict);
        item.Ignore(i => i.Amount);
        item.Ignore(i => i.IsUnmatched);
    }
}
