using Microsoft.EntityFrameworkCore;
using Portal.Live;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<LiveMessage> LiveMessages => Set<LiveMessage>();

    /// <summary>Live messages were saved in a transaction not committed yet: the publisher is woken on commit, not before.</summary>
    internal bool HasUncommittedLiveMessages { get; set; }
}
