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
        services.AddHostedService<StripeEventReconciliationService>();
        return services;
    }
}
