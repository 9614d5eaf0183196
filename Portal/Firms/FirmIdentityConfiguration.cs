using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Firms;

namespace Portal.Firms;

/// <summary>The firm's legal and bank identity: columns on the firm's row, sized to what the domain accepts.</summary>
internal sealed class FirmIdentityConfiguration : IEntityTypeConfiguration<Firm>
{
    public void Configure(EntityTypeBuilder<Firm> firm)
    {
        firm.Ignore(f => f.LegalIdentity);
        firm.Property(f => f.LegalName).HasMaxLength(200);
        firm.Property(f => f.LegalAddress).HasMaxLength(400);
        firm.Property(f => f.Siren).HasMaxLength(9);
        firm.Property(f => f.Siret).HasMaxLength(14);
        firm.Property(f => f.VatNumber).HasMaxLength(15);
        firm.Property(f => f.Iban).HasMaxLength(34);
        firm.Property(f => f.Bic).HasMaxLength(11);
        firm.Property(f => f.LatePaymentPenalty).HasMaxLength(300);
        firm.Property(f => f.ElectronicAddress).HasMaxLength(125);
        firm.Property(f => f.SepaCreditorId).HasMaxLength(35);
    }
}
