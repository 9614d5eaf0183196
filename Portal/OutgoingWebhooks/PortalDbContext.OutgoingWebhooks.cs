using Microsoft.EntityFrameworkCore;
using Portal.Domain.OutgoingWebhooks;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<OutgoingEvent> OutgoingEvents => Set<OutgoingEvent>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
}
