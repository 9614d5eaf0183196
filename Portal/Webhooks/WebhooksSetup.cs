using Microsoft.Extensions.Options;

namespace Portal.Webhooks;

public static class WebhooksSetup
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration("Webhooks");
        services.AddSingleton<WebhookSignal>();
        services.AddScoped<WebhookInbox>();
        services.AddScoped<WebhookDispatcher>();
        services.AddSingleton<WebhookProcessor>();
        services.AddScoped<WebhookAdministration>();
        services.AddHostedService(sp => sp.GetRequiredService<IOptions<WebhookOptions>>().Value.ProcessInBackground
            ? (IHostedService)ActivatorUtilities.CreateInstance<WebhookProcessingService>(sp)
            : new NoBackgroundWork());
        return services;
    }
}

/// <summary>Stands in for a background service that configuration turned off (tests drive the work by hand).</summary>
internal sealed class NoBackgroundWork : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
