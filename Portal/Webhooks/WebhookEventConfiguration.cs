using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Webhooks;

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> webhookEvent)
    {
        webhookEvent.HasKey(e => e.Id);
        // Every provider event takes effect once per firm: a redelivery hits this index and is dropped. The firm is part
        // of it because event ids are the provider account's, and two firms may share one account (or claim to).
        webhookEvent.HasIndex(e => new { e.Provider, e.FirmId, e.ProviderEventId }).IsUnique();
        webhookEvent.HasIndex(e => new { e.Status, e.NextAttemptAt });
        webhookEvent.HasIndex(e => new { e.FirmId, e.ReceivedAt });
        // The processor looks for an earlier unfinished event about the same object before it claims one.
        webhookEvent.HasIndex(e => new { e.FirmId, e.ObjectKey });
        webhookEvent.Property(e => e.ProviderEventId).HasMaxLength(255);
        webhookEvent.Property(e => e.ObjectKey).HasMaxLength(WebhookEvent.MaxObjectKeyLength);
        webhookEvent.Property(e => e.Type).HasMaxLength(120);
        webhookEvent.Property(e => e.LastError).HasMaxLength(WebhookEvent.MaxErrorLength);
    }
}
