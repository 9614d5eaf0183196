using Microsoft.EntityFrameworkCore;
using Portal.Integrations;
using Portal.Webhooks;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<ProviderConnection> ProviderConnections => Set<ProviderConnection>();
    public DbSet<WebhookEvent> WebhookEvents => Set<WebhookEvent>();
}
