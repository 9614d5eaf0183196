using Microsoft.EntityFrameworkCore;
using Portal.Domain.Payments;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<PaymentAllocation> PaymentAllocations => Set<PaymentAllocation>();
}
