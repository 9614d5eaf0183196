using Microsoft.EntityFrameworkCore;
using Portal.DirectDebit;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<DirectDebitMandate> DirectDebitMandates => Set<DirectDebitMandate>();
    public DbSet<ScheduledCollection> ScheduledCollections => Set<ScheduledCollection>();
    public DbSet<DirectDebitRetry> DirectDebitRetries => Set<DirectDebitRetry>();
}
