using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Payments;
using Portal.Providers.PayPal.Api;
using Portal.Providers.PayPal.Checkout;
using Portal.Webhooks;

namespace Portal.Providers.PayPal;

/// <summary>
/// <c>POST /webhooks/paypal/{connectionId}</c>: ask PayPal whether the delivery is one it sent to that connection's
/// webhook (verify-webhook-signature), store the event in the inbox, answer 200. PayPal's signature covers the raw body,
/// so the body goes back to PayPal exactly as received. Nothing is applied here.
/// </summary>
public static class PayPalWebhookEndpoint
{
    /// <summary>One event per delivery, a few kilobytes each.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapPayPalWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/paypal/{connectionId:guid}", ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("PayPalWebhook");
        // Where PayPal sends the payer back after approving: part of the same provider, mapped with it.
        app.MapPayPalReturn();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        Guid connectionId, HttpRequest request, IDbContextFactory<PortalDbContext> dbFactory, PayPalConnector connector, WebhookInbox inbox,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
            return WebhookBody.NotJson();
        var body = await WebhookBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large", detail: $"A PayPal delivery is at most {MaxBodyBytes} bytes.");

        var log = loggers.CreateLogger(typeof(PayPalWebhookEndpoint));
        var transmission = PayPalWebhookTransmission.FromHeaders(name => request.Headers[name].ToString() is { Length: > 0 } value ? value : null);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Webhooks arrive anonymously: the connection named in the URL says whose they are.
        var connection = await db.ProviderConnections.IgnoreQueryFilters().AsNoTracking()
            .SingleOrDefaultAsync(c => c.Id == connectionId && c.Provider == PaymentProvider.PayPal, cancellationToken);
        var webhookId = connection is null ? "" : connector.WebhookIdOf(connection);
        if (transmission is null || connection is null || webhookId.Length == 0)
        {
            // The same answer as a forged delivery: who has a connection is not for a caller to learn.
            log.LogWarning("Refused a PayPal webhook for connection {ConnectionId}: {Reason}", connectionId,
                transmission is null ? "transmission headers missing" : "no PayPal connection with a webhook id");
            return WebhookRefusal.Answer(StatusCodes.Status400BadRequest);
        }

        PayPalVerificationStatus verdict;
        try
        {
            verdict = await connector.ClientFor(connection).VerifyWebhookSignatureAsync(transmission, webhookId, body, cancellationToken);
        }
        catch (Exception unavailable) when (unavailable is HttpRequestException or PayPalApiException or JsonException or TaskCanceledException { InnerException: TimeoutException })
        {
            // PayPal could not say; a non-2xx answer makes PayPal deliver again later.
            log.LogWarning(unavailable, "Could not verify a PayPal webhook for connection {ConnectionId}; PayPal will deliver it again", connectionId);
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Verification unavailable", detail: "PayPal could not verify this delivery now.");
        }

        if (verdict != PayPalVerificationStatus.Success)
        {
            log.LogWarning("Refused a PayPal webhook for connection {ConnectionId}: verification answered {Verdict}", connectionId, verdict);
            return WebhookRefusal.Answer(StatusCodes.Status400BadRequest);
        }

        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var eventId = root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        var eventType = root.TryGetProperty("event_type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;
        if (string.IsNullOrEmpty(eventId) || string.IsNullOrEmpty(eventType))
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Refused", detail: "A PayPal event has an id and an event_type.");

        // A replayed delivery of a stored event stores nothing new; PayPal still gets its 200, or it would keep trying.
        await inbox.StoreAsync(PaymentProvider.PayPal, eventId, connection.FirmId, eventType, body, cancellationToken);
        return Results.Ok();
    }
}
