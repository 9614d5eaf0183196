using System.Text.Json;
using Portal.Domain.Payments;
using Portal.Webhooks;
using Stripe;

namespace Portal.Providers.Stripe;

/// <summary>
/// <c>POST /webhooks/stripe/{firmKey}</c>: verify the signature with that firm's secret, store the raw event, answer
/// at once. Stripe waits only seconds and retries for days, so nothing is applied here; the processor does that.
/// </summary>
public static class StripeWebhookEndpoint
{
    /// <summary>Stripe events are a few kilobytes; anything this big is not one.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapStripeWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/stripe/{firmKey}", ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("StripeWebhook");
        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        string firmKey, HttpRequest request, WebhookTargets targets, WebhookInbox inbox, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
            return WebhookBody.NotJson();
        var body = await WebhookBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large", detail: $"A Stripe event is at most {MaxBodyBytes} bytes.");

        var signature = request.Headers["Stripe-Signature"].ToString();
        var checkedTarget = await targets.CheckAsync(PaymentProvider.Stripe, firmKey, secret => Verify(body, signature, secret, clock), refusal => refusal is null, cancellationToken);
        var summary = checkedTarget is (_, null) ? EventSummary.Of(body) : null;
        if (checkedTarget is not var (target, _) || summary is null)
        {
            // One answer for an unknown firm key and a bad signature (WebhookRefusal); the reason is for the log.
            var reason = checkedTarget is var (_, refusal) ? refusal ?? "not an event" : "no Stripe connection with a webhook secret";
            loggers.CreateLogger(typeof(StripeWebhookEndpoint)).LogWarning("Refused a Stripe webhook for firm {FirmKey}: {Reason}", firmKey, reason);
            return WebhookRefusal.Answer(StatusCodes.Status400BadRequest);
        }

        var stored = await inbox.StoreAsync(PaymentProvider.Stripe, summary.Id, target.FirmId, summary.Type, body, cancellationToken);
        return Results.Ok(new { received = true, duplicate = !stored });
    }

    /// <summary>Stripe.net's check of the signature and its age (five minutes, as Stripe advises); the reason when it fails.</summary>
    private static string? Verify(string body, string signature, string secret, TimeProvider clock)
    {
        try
        {
            EventUtility.ValidateSignature(body, signature, secret, tolerance: 300, utcNow: clock.GetUtcNow().ToUnixTimeSeconds());
            return null;
        }
        catch (Exception error) when (error is StripeException or FormatException or ArgumentException)
        {
            return error.GetType().Name;
        }
    }

    /// <summary>
    /// The two fields the inbox needs from a verified event. Read without building Stripe.net's whole event object:
    /// the processor parses the stored body when it applies it.
    /// </summary>
    private sealed record EventSummary(string Id, string Type)
    {
        public static EventSummary? Of(string body)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                return root.ValueKind == JsonValueKind.Object
                    && root.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } eventId
                    && root.TryGetProperty("type", out var type) && type.GetString() is { Length: > 0 } eventType
                    ? new EventSummary(eventId, eventType)
                    : null;
            }
            catch (Exception error) when (error is JsonException or InvalidOperationException)
            {
                return null;
            }
        }
    }
}
