using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Clients;
using Portal.Domain.Firms;

namespace Portal.Clients;

internal sealed class ClientAccountConfiguration : IEntityTypeConfiguration<ClientAccount>
{
    public void Configure(EntityTypeBuilder<ClientAccount> client)
    {
        client.HasKey(c => c.Id);
        client.HasOne<Firm>().WithMany().HasForeignKey(c => c.FirmId).OnDelete(DeleteBehavior.Restrict);
        client.HasIndex(c => new { c.FirmId, c.Name });
        // The client list sorted by email.
        client.HasIndex(c => new { c.FirmId, c.BillingEmail });
        client.Property(c => c.Name).HasMaxLength(200);
        client.Property(c => c.BillingEmail).HasMaxLength(254);
        client.Property(c => c.CompanyNumber).HasMaxLength(40);
        client.Ignore(c => c.LegalDetails);
        client.Ignore(c => c.EffectiveCountry);
        client.Property(c => c.Kind);
        client.Property(c => c.Siren).HasMaxLength(9);
        client.Property(c => c.Siret).HasMaxLength(14);
        client.Property(c => c.VatNumber).HasMaxLength(15);
        client.Property(c => c.Country).HasMaxLength(2);
        client.Property(c => c.Address).HasMaxLength(400);
        client.Property(c => c.DeliveryAddress).HasMaxLength(400);
        // An import finds a client again by the reference it had in the firm's previous tool: one client per reference.
        client.Property(c => c.ExternalReference).HasMaxLength(ClientAccount.MaxExternalReferenceLength);
        client.HasIndex(c => new { c.FirmId, c.ExternalReference }).IsUnique();
        client.Property(c => c.Language).HasMaxLength(5);
        client.HasMany(c => c.Contacts).WithOne().HasForeignKey(c => c.ClientAccountId).OnDelete(DeleteBehavior.Cascade);
        client.Navigation(c => c.Contacts).HasField("_contacts");
    }
}

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> contact)
    {
        contact.HasKey(c => c.Id);
        contact.Property(c => c.Name).HasMaxLength(200);
        contact.Property(c => c.Email).HasMaxLength(254);
        contact.Property(c => c.UserId).HasMaxLength(450);
        contact.HasIndex(c => new { c.FirmId, c.Email });
    }
}
