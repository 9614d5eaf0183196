using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.OutgoingWebhooks;

namespace Portal.OutgoingWebhooks;

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> endpoint)
    {
        endpoint.ToTable("WebhookEndpoints");
        endpoint.HasKey(e => e.Id);
        endpoint.Property(e => e.Url).HasMaxLength(WebhookEndpoint.MaxUrlLength);
        endpoint.Property(e => e.Description).HasMaxLength(WebhookEndpoint.MaxDescriptionLength);
        endpoint.Property(e => e.EventTypes).HasMaxLength(1000);
        endpoint.Property(e => e.ProtectedSecret).HasMaxLength(2000);
        endpoint.Property(e => e.SecretMask).HasMaxLength(40);
        endpoint.Property(e => e.DisabledReason).HasMaxLength(300);
        endpoint.Ignore(e => e.Types);
        endpoint.HasIndex(e => e.FirmId);
    }
}

internal sealed class OutgoingEventConfiguration : IEntityTypeConfiguration<OutgoingEvent>
{
    public void Configure(EntityTypeBuilder<OutgoingEvent> outgoing)
    {
        outgoing.ToTable("OutgoingEvents");
        outgoing.HasKey(e => e.Id);
        outgoing.Property(e => e.Type).HasMaxLength(OutgoingEvent.MaxTypeLength);
        outgoing.Ignore(e => e.GiveUpAt);
        // The dispatcher looks for events not fanned out yet, oldest first.
        outgoing.HasIndex(e => new { e.FannedOutAt, e.CreatedAt });
        outgoing.HasIndex(e => new { e.FirmId, e.CreatedAt });
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> delivery)
    {
        delivery.ToTable("WebhookDeliveries");
        delivery.HasKey(d => d.Id);
        delivery.Property(d => d.EventType).HasMaxLength(OutgoingEvent.MaxTypeLength);
        delivery.Property(d => d.LastResponseBody).HasMaxLength(WebhookDelivery.MaxResponseLength);
        delivery.Property(d => d.LastError).HasMaxLength(WebhookDelivery.MaxErrorLength);
        delivery.Ignore(d => d.GiveUpAt);
        // The guard against delivering an event twice to one endpoint, whichever instance fans it out.
        delivery.HasIndex(d => new { d.EventId, d.EndpointId }).IsUnique();
        delivery.HasIndex(d => new { d.Status, d.NextAttemptAt });
        delivery.HasIndex(d => new { d.EndpointId, d.CreatedAt });
        delivery.HasOne<OutgoingEvent>().WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
        delivery.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
    }
}
