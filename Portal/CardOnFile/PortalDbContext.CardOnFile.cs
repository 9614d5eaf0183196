using Microsoft.EntityFrameworkCore;
using Portal.CardOnFile;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<SavedCard> SavedCards => Set<SavedCard>();
    public DbSet<CardCharge> CardCharges => Set<CardCharge>();
}
