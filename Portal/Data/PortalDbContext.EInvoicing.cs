using Microsoft.EntityFrameworkCore;
using Portal.EInvoicing;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<PlatformConnection> PlatformConnections => Set<PlatformConnection>();
}
