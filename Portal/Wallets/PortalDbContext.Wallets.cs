using Microsoft.EntityFrameworkCore;
using Portal.Domain.Wallets;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<Wallet> Wallets => Set<Wallet>();
}
