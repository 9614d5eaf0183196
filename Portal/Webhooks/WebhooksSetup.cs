namespace Portal.Webhooks;

public static class WebhooksSetup
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration("Webhooks");
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookTargets>();
        services.AddScoped<WebhookInbox>();
        services.AddScoped<WebhookDispatcher>();
        services.AddSingleton<WebhookProcessor>();
        services.AddScoped<WebhookAdministration>();
        services.AddHostedService<WebhookProcessingService>();
        return services;
    }
}
