using System.Text.Json;
using Portal.Domain.Payments;
using Portal.Providers.PayPal.Checkout;
using Portal.Webhooks;

namespace Portal.Providers.PayPal.Webhooks;

/// <summary>
/// Base of the handlers for one PayPal event type each. The delivery was verified with PayPal when it was stored; here
/// the event only names the object and our payment (custom_id). What is applied is never the event's copy: each
/// handler re-reads the order, capture or refund from PayPal, so a late or replayed event applies the current state,
/// which the money API's keys make a no-op when it was already applied.
/// </summary>
public abstract class PayPalEventHandler(string eventType, PayPalPayments paypal) : IWebhookHandler
{
    public PaymentProvider Provider => PaymentProvider.PayPal;

    public string EventType { get; } = eventType;

    protected PayPalPayments PayPal => paypal;

    public async Task<WebhookOutcome> ApplyAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(webhookEvent.Body);
        if (!document.RootElement.TryGetProperty("resource", out var resource) || resource.ValueKind != JsonValueKind.Object
            || PayPalEventResource.Text(resource, ResourceIdProperty) is not { } resourceId)
            return WebhookOutcome.Ignored;
        // Objects Portal did not create (another integration on the same PayPal app) name no payment of ours.
        return await paypal.FindAsync(PayPalEventResource.CustomIdOf(resource), cancellationToken) is { } payment
            ? await ApplyAsync(payment, resourceId, cancellationToken)
            : WebhookOutcome.Ignored;
    }

    /// <summary>Where the resource keeps its own id: "id" on orders, captures and refunds; disputes say "dispute_id".</summary>
    protected virtual string ResourceIdProperty => "id";

    protected abstract Task<WebhookOutcome> ApplyAsync(Payment payment, string resourceId, CancellationToken cancellationToken);
}

/// <summary>
/// Where PayPal events carry our payment id: on a capture or refund itself, on an order in its purchase unit, on a
/// dispute in the transaction it disputes (as "custom").
/// </summary>
public static class PayPalEventResource
{
    public static string? CustomIdOf(JsonElement resource) =>
        Text(resource, "custom_id") ?? FirstIn(resource, "purchase_units", "custom_id") ?? FirstIn(resource, "disputed_transactions", "custom");

    private static string? FirstIn(JsonElement resource, string list, string property)
    {
        if (!resource.TryGetProperty(list, out var items) || items.ValueKind != JsonValueKind.Array)
            return null;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && Text(item, property) is { } found)
                return found;
        }
        return null;
    }

    public static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
