using Microsoft.EntityFrameworkCore;
using Portal.Domain.Books;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<ChartOfAccounts> ChartsOfAccounts => Set<ChartOfAccounts>();
    public DbSet<ClosedPeriod> ClosedPeriods => Set<ClosedPeriod>();
}
