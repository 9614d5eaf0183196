using Portal.Domain.Payments;
using Portal.Webhooks;
using Stripe;

namespace Portal.Providers.Stripe;

/// <summary>
/// Base of the handlers for one Stripe event type each. The signature was checked when the event was stored; here it
/// is only parsed. The API version is not enforced: fields Portal reads exist in every endive release.
/// </summary>
public abstract class StripeEventHandler(string eventType) : IWebhookHandler
{
    public PaymentProvider Provider => PaymentProvider.Stripe;

    public string EventType { get; } = eventType;

    public Task<WebhookOutcome> ApplyAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken) =>
        ApplyAsync(EventUtility.ParseEvent(webhookEvent.Body, throwOnApiVersionMismatch: false), cancellationToken);

    protected abstract Task<WebhookOutcome> ApplyAsync(Event stripeEvent, CancellationToken cancellationToken);
}
