using System.Text.Json;
using Portal.Domain.Payments;
using Portal.GoCardless;
using Portal.Webhooks;

namespace Portal.Providers.GoCardless;

/// <summary>
/// <c>POST /webhooks/gocardless/{firmKey}</c>: verify the signature with that firm's secret (498 otherwise, as
/// GoCardless asks), store each event of the batch in the inbox, answer 204 at once. GoCardless gives up after 10
/// seconds, so nothing is applied here.
/// </summary>
public static class GoCardlessWebhookEndpoint
{
    /// <summary>A delivery holds up to 250 events of about a kilobyte each.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapGoCardlessWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/gocardless/{firmKey}", ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("GoCardlessWebhook");
        return app;
    }

    /// <summary>The inbox type of an event: <c>payments.confirmed</c>, <c>mandates.cancelled</c>…</summary>
    public static string TypeOf(string resourceType, string action) => $"{resourceType}.{action}";

    private static async Task<IResult> ReceiveAsync(
        string firmKey, HttpRequest request, WebhookTargets targets, WebhookInbox inbox, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
            return WebhookBody.NotJson();
        var body = await WebhookBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large", detail: $"A GoCardless delivery is at most {MaxBodyBytes} bytes.");

        var signature = request.Headers["Webhook-Signature"].ToString();
        var log = loggers.CreateLogger(typeof(GoCardlessWebhookEndpoint));
        if (await targets.CheckAsync(PaymentProvider.GoCardless, firmKey, secret => new GoCardlessWebhookVerifier(secret).Verify(body, signature),
                check => check is not GoCardlessWebhookCheck.Refused, cancellationToken) is not var (target, check))
        {
            // The same answer as a bad signature (WebhookRefusal): who has a connection is not for a caller to learn.
            log.LogWarning("Refused a GoCardless webhook for firm {FirmKey}: {Reason}", firmKey, "no GoCardless connection with a webhook secret");
            return WebhookRefusal.Answer(GoCardlessWebhookVerifier.InvalidTokenStatus);
        }
        if (check is GoCardlessWebhookCheck.Refused refused)
        {
            log.LogWarning("Refused a GoCardless webhook for firm {FirmKey}: {Reason}", firmKey, refused.Reason);
            // Only a correctly signed delivery can tell more (a body that is not a webhook: 400).
            return refused.StatusCode == GoCardlessWebhookVerifier.InvalidTokenStatus
                ? WebhookRefusal.Answer(refused.StatusCode)
                : Results.Problem(statusCode: refused.StatusCode, title: "Refused", detail: refused.Reason);
        }

        // Each event is stored on its own, so one that fails to apply does not hold back the others of the batch.
        using var document = JsonDocument.Parse(body);
        foreach (var element in document.RootElement.GetProperty("events").EnumerateArray())
        {
            var id = element.GetProperty("id").GetString();
            var resourceType = element.TryGetProperty("resource_type", out var type) ? type.GetString() : null;
            var action = element.TryGetProperty("action", out var act) ? act.GetString() : null;
            if (string.IsNullOrEmpty(id) || resourceType is null || action is null)
                continue;
            await inbox.StoreAsync(PaymentProvider.GoCardless, id, target.FirmId, TypeOf(resourceType, action), element.GetRawText(), cancellationToken);
        }
        return Results.NoContent();
    }
}
