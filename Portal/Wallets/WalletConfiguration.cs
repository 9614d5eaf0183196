using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Clients;
using Portal.Domain.Wallets;

namespace Portal.Wallets;

internal sealed class WalletConfiguration : IEntityTypeConfiguration<Wallet>
{
    public void Configure(EntityTypeBuilder<Wallet> wallet)
    {
        wallet.HasKey(w => w.Id);
        wallet.HasOne<ClientAccount>().WithMany().HasForeignKey(w => w.ClientAccountId).OnDelete(DeleteBehavior.Restrict);
        // One credit balance per client and currency: two first prepayments at once cannot open two wallets.
        wallet.HasIndex(w => new { w.FirmId, w.ClientAccountId, w.Currency }).IsUnique();
        // Two spends of the same credit: the second write finds another version and starts again.
        wallet.Property(w => w.Version).IsConcurrencyToken();
        wallet.Ignore(w => w.Balance);
    }
}
