using Microsoft.EntityFrameworkCore;
using Portal.Audit;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
}
