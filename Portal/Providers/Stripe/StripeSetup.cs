using Microsoft.Extensions.Options;
using Portal.Webhooks;

namespace Portal.Providers.Stripe;

public static class StripeSetup
{
    public static IServiceCollection AddStripePayments(this IServiceCollection services)
    {
        services.AddHttpClient(StripeClients.HttpClientName);
        services.AddScoped<StripeClients>();
        services.AddScoped<StripeConnector>();
        services.AddScoped<StripeEventReconciliation>();
        foreach (var type in StripePaymentEventRecorder.Types)
            services.AddScoped<IWebhookHandler>(sp => ActivatorUtilities.CreateInstance<StripePaymentEventRecorder>(sp, type));
        services.AddHostedService(sp => sp.GetRequiredService<IOptions<WebhookOptions>>().Value.ProcessInBackground
            ? (IHostedService)ActivatorUtilities.CreateInstance<StripeEventReconciliationService>(sp)
            : new NoBackgroundWork());
        return services;
    }
}
