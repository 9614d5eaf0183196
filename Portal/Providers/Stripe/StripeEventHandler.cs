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

/// <summary>
/// The payment events Portal acts on. Until payments are recorded from them they are acknowledged and logged, so
/// the inbox, retries and the admin page already work end to end.
/// </summary>
internal sealed class StripePaymentEventRecorder(string eventType, ILogger<StripePaymentEventRecorder> logger) : StripeEventHandler(eventType)
{
    public static readonly string[] Types =
    [
        EventTypes.CheckoutSessionCompleted,
        EventTypes.CheckoutSessionAsyncPaymentSucceeded,
        EventTypes.CheckoutSessionAsyncPaymentFailed,
        EventTypes.CheckoutSessionExpired,
        EventTypes.PaymentIntentPaymentFailed,
        EventTypes.ChargeRefunded,
        EventTypes.ChargeDisputeCreated,
        EventTypes.ChargeDisputeClosed,
    ];

    protected override Task<WebhookOutcome> ApplyAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        var subject = stripeEvent.Data.Object as IHasId;
        logger.LogInformation("Stripe {Type} for {ObjectId} recorded ({EventId}).", stripeEvent.Type, subject?.Id, stripeEvent.Id);
        return Task.FromResult(WebhookOutcome.Applied);
    }
}
