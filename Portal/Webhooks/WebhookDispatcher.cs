namespace Portal.Webhooks;

/// <summary>One handler per (provider, event type); an event no handler claims is ignored, not failed.</summary>
public sealed class WebhookDispatcher(IEnumerable<IWebhookHandler> handlers, ILogger<WebhookDispatcher> logger)
{
    public async Task<WebhookOutcome> DispatchAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var handler = handlers.FirstOrDefault(h => h.Provider == webhookEvent.Provider && h.EventType == webhookEvent.Type);
        if (handler is null)
        {
            logger.LogDebug("No handler for {Provider} event type {Type}; ignored.", webhookEvent.Provider, webhookEvent.Type);
            return WebhookOutcome.Ignored;
        }
        return await handler.ApplyAsync(webhookEvent, cancellationToken);
    }
}
