using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Payments;
using Portal.Integrations;
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
        string firmKey, HttpRequest request, IDbContextFactory<PortalDbContext> dbFactory, ProviderSecrets secrets,
        WebhookInbox inbox, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(StripeWebhookEndpoint));
        var body = await WebhookBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large", detail: $"A Stripe event is at most {MaxBodyBytes} bytes.");

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var target = await db.ProviderConnections.IgnoreQueryFilters()
            .Where(c => c.Provider == PaymentProvider.Stripe)
            .Join(db.Firms.IgnoreQueryFilters().Where(f => f.Key == firmKey), c => c.FirmId, f => f.Id, (c, f) => new { c.FirmId, c.WebhookSecretProtected })
            .SingleOrDefaultAsync(cancellationToken);
        if (target is null || target.WebhookSecretProtected.Length == 0)
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown endpoint", detail: "No firm with a Stripe connection has this webhook URL.");

        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(
                body, request.Headers["Stripe-Signature"].ToString(), secrets.Unprotect(PaymentProvider.Stripe, target.WebhookSecretProtected),
                tolerance: 300, utcNow: clock.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (Exception error) when (error is StripeException or FormatException or ArgumentException or Newtonsoft.Json.JsonException)
        {
            logger.LogWarning("Refused a Stripe webhook for firm {FirmKey}: {Reason}", firmKey, error.GetType().Name);
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid signature", detail: "The Stripe-Signature header does not match this endpoint's signing secret.");
        }

        var stored = await inbox.StoreAsync(PaymentProvider.Stripe, stripeEvent.Id, target.FirmId, stripeEvent.Type, body, cancellationToken);
        return Results.Ok(new { received = true, duplicate = !stored });
    }
}
