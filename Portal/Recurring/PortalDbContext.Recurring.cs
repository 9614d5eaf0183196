using Microsoft.EntityFrameworkCore;
using Portal.Domain.Recurring;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<RecurringSchedule> RecurringSchedules => Set<RecurringSchedule>();
    public DbSet<RecurringInvoice> RecurringInvoices => Set<RecurringInvoice>();
}
