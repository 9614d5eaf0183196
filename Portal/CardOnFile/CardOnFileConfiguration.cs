using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;

namespace Portal.CardOnFile;

internal sealed class SavedCardConfiguration : IEntityTypeConfiguration<SavedCard>
{
    public void Configure(EntityTypeBuilder<SavedCard> card)
    {
        card.HasKey(c => c.Id);
        card.HasOne<ClientAccount>().WithMany().HasForeignKey(c => c.ClientAccountId).OnDelete(DeleteBehavior.Restrict);
        // A payment method is saved once, however often its checkout's completion is reported.
        card.HasIndex(c => new { c.FirmId, c.PaymentMethodId }).IsUnique();
        card.HasIndex(c => new { c.FirmId, c.ClientAccountId });
        card.Property(c => c.CustomerId).HasMaxLength(SavedCard.MaxIdLength);
        card.Property(c => c.PaymentMethodId).HasMaxLength(SavedCard.MaxIdLength);
        card.Property(c => c.Brand).HasMaxLength(20);
        card.Property(c => c.Last4).HasMaxLength(4);
        card.Ignore(c => c.IsActive);
    }
}

internal sealed class CardChargeConfiguration : IEntityTypeConfiguration<CardCharge>
{
    public void Configure(EntityTypeBuilder<CardCharge> charge)
    {
        charge.HasKey(c => c.Id);
        charge.HasOne<ClientAccount>().WithMany().HasForeignKey(c => c.ClientAccountId).OnDelete(DeleteBehavior.Restrict);
        charge.HasOne<Invoice>().WithMany().HasForeignKey(c => c.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        charge.HasOne<SavedCard>().WithMany().HasForeignKey(c => c.SavedCardId).OnDelete(DeleteBehavior.Restrict);
        // One charge per invoice and try: two instances planning the same day plan one.
        charge.HasIndex(c => new { c.InvoiceId, c.Attempt }).IsUnique();
        // The sweep's question: what is due in this firm?
        charge.HasIndex(c => new { c.FirmId, c.Status, c.PlannedFor });
        charge.Property(c => c.DeclineCode).HasMaxLength(CardCharge.MaxCodeLength);
        charge.Ignore(c => c.RequestKey);
        charge.Ignore(c => c.IsOpen);
        charge.Property(c => c.Version).IsConcurrencyToken();
    }
}
