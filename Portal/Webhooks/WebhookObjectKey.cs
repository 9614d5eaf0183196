using System.Text.Json;
using Portal.Domain.Payments;
using Portal.Providers.Stripe;

namespace Portal.Webhooks;

/// <summary>
/// The provider object an event is about, read from its body when it is stored. The processor applies a firm's events
/// with the same key one at a time, in the order they arrived, and events with different keys side by side: a
/// payment's "processing" must not overtake its "succeeded". Null when the body names no object worth ordering.
/// </summary>
public static class WebhookObjectKey
{
    public static string? Of(PaymentProvider provider, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var key = provider switch
            {
                PaymentProvider.Stripe => OfStripe(document.RootElement),
                PaymentProvider.GoCardless => OfGoCardless(document.RootElement),
                PaymentProvider.PayPal => OfPayPal(document.RootElement),
                _ => null,
            };
            // An oversized id is no id of ours: such an event is simply not ordered.
            return key is { Length: <= WebhookEvent.MaxObjectKeyLength } ? key : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Our payment when Portal created the object (Checkout Sessions and their PaymentIntents carry its id in their
    /// metadata), else the PaymentIntent a charge or dispute belongs to, else the object itself.
    /// </summary>
    private static string? OfStripe(JsonElement stripeEvent)
    {
        if (!stripeEvent.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("object", out var subject) || subject.ValueKind != JsonValueKind.Object)
            return null;
        if (subject.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && Text(metadata, StripePaymentLookup.PaymentIdKey) is { } paymentId && Guid.TryParse(paymentId, out var id))
            return $"payment:{id:N}";
        if (Text(subject, "payment_intent") is { } intentId)
            return $"payment_intent:{intentId}";
        var kind = Text(subject, "object");
        return kind is null || Text(subject, "id") is not { } objectId ? null : $"{kind}:{objectId}";
    }

    /// <summary>
    /// Our payment when Portal created the object (orders, captures and refunds carry its id as custom_id), so an order's
    /// APPROVED and its capture's COMPLETED apply one after the other; else the resource itself.
    /// </summary>
    private static string? OfPayPal(JsonElement paypalEvent)
    {
        if (!paypalEvent.TryGetProperty("resource", out var resource) || resource.ValueKind != JsonValueKind.Object)
            return null;
        if (Portal.Providers.PayPal.Webhooks.PayPalEventResource.CustomIdOf(resource) is { } customId && Guid.TryParse(customId, out var id))
            return $"payment:{id:N}";
        return Text(resource, "id") is { } resourceId ? $"{Text(paypalEvent, "resource_type") ?? "resource"}:{resourceId}" : null;
    }

    /// <summary>The resource the event reports on: its payment, mandate, billing request or payout.</summary>
    private static string? OfGoCardless(JsonElement gcEvent)
    {
        if (!gcEvent.TryGetProperty("links", out var links) || links.ValueKind != JsonValueKind.Object)
            return null;
        var link = Text(gcEvent, "resource_type") switch
        {
            "payments" => "payment",
            "mandates" => "mandate",
            "billing_requests" => "billing_request",
            "payouts" => "payout",
            "refunds" => "refund",
            "subscriptions" => "subscription",
            _ => null,
        };
        return link is not null && Text(links, link) is { } resourceId ? $"{link}:{resourceId}" : null;
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
