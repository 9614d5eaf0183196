using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.OutgoingWebhooks;

public static class OutgoingWebhooksSetup
{
    /// <summary>Webhook endpoints, the events raised with each change, and the dispatcher that signs and sends them.</summary>
    public static IServiceCollection AddOutgoingWebhooks(this IServiceCollection services)
    {
        services.AddOptions<OutgoingWebhookOptions>().BindConfiguration(OutgoingWebhookOptions.Section);
        services.AddSingleton<OutgoingWebhookSignal>();
        services.AddSingleton<WebhookAddressGuard>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<IInterceptor, OutgoingEventInterceptor>();
        services.AddScoped<WebhookEndpoints>();
        services.AddSingleton<OverdueInvoiceEvents>();
        services.AddHttpClient(OutgoingWebhookDispatcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // Every connection goes through the guard, which checks the addresses it connects to (DNS rebinding).
                ConnectCallback = sp.GetRequiredService<WebhookAddressGuard>().ConnectAsync,
                // A proxy would connect on our behalf, past the guard; a redirect could point anywhere.
                UseProxy = false,
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            // The factory's request log names the full URL, and receivers often put a token of theirs in it.
            .RemoveAllLoggers();
        services.AddHostedService<OutgoingWebhookDispatcher>();
        return services;
    }
}
