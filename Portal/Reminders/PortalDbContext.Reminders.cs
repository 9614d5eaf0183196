using Microsoft.EntityFrameworkCore;
using Portal.Domain.Reminders;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<Reminder> Reminders => Set<Reminder>();
}
