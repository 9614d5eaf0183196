using Portal.Domain.Payments;

namespace Portal.Webhooks;

/// <summary>
/// Applies one type of provider event, in a scope of its own that acts for the event's firm, possibly side by side with
/// other events' handlers (never with another event about the same object, see <see cref="WebhookEvent.ObjectKey"/>).
/// Change money and state through the services that commit their own transactions (the money API, keyed on the event
/// id, so a replay is a no-op): the event's status commits separately, with its batch.
/// Throw to have the event retried; return <see cref="WebhookOutcome.Ignored"/> for an event that concerns nothing of ours.
/// </summary>
public interface IWebhookHandler
{
    PaymentProvider Provider { get; }

    string EventType { get; }

    Task<WebhookOutcome> ApplyAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken);
}
