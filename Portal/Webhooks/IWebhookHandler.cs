using Portal.Domain.Payments;

namespace Portal.Webhooks;

/// <summary>
/// Applies one type of provider event. Handlers run inside the processor's transaction, in a scope that acts for the
/// event's firm: use the scoped <see cref="Data.PortalDbContext"/> and their changes commit with the event's status.
/// Throw to have the event retried; return <see cref="WebhookOutcome.Ignored"/> for an event that concerns nothing of ours.
/// </summary>
public interface IWebhookHandler
{
    PaymentProvider Provider { get; }

    string EventType { get; }

    Task<WebhookOutcome> ApplyAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken);
}
