using Microsoft.EntityFrameworkCore;
using Portal.EInvoicing;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<PlatformConnection> PlatformConnections => Set<PlatformConnection>();
    public DbSet<Portal.Domain.EInvoicing.EInvoicingSubmission> EInvoicingSubmissions => Set<Portal.Domain.EInvoicing.EInvoicingSubmission>();
}
