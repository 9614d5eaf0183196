using Microsoft.EntityFrameworkCore;
using Portal.Imports;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<ImportColumnMapping> ImportColumnMappings => Set<ImportColumnMapping>();
}
