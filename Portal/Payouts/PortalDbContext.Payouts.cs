using Microsoft.EntityFrameworkCore;
using Portal.Domain.Payouts;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<ProviderPayout> ProviderPayouts => Set<ProviderPayout>();
    public DbSet<ProviderPayoutItem> ProviderPayoutItems => Set<ProviderPayoutItem>();
}
