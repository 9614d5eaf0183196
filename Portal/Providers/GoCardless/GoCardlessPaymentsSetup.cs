using Portal.Webhooks;

namespace Portal.Providers.GoCardless;

public static class GoCardlessPaymentsSetup
{
    /// <summary>The GoCardless adapter: connection, webhook handlers per event type. The HTTP client itself is AddGoCardless.</summary>
    public static IServiceCollection AddGoCardlessPayments(this IServiceCollection services)
    {
        services.AddScoped<GoCardlessConnector>();
        services.AddScoped<GoCardlessEventReconciliation>();
        services.AddHostedService<EventReconciliationService<GoCardlessEventReconciliation>>();
        foreach (var action in GoCardlessPaymentEvent.Actions)
            services.AddScoped<IWebhookHandler>(sp => ActivatorUtilities.CreateInstance<GoCardlessPaymentEvent>(sp, action));
        foreach (var action in GoCardlessMandateEvent.Actions)
            services.AddScoped<IWebhookHandler>(sp => ActivatorUtilities.CreateInstance<GoCardlessMandateEvent>(sp, action));
        services.AddScoped<IWebhookHandler, GoCardlessBillingRequestFulfilled>();
        services.AddScoped<IWebhookHandler, GoCardlessBillingRequestFlowExited>();
        foreach (var action in GoCardlessBillingRequestEnded.Actions)
            services.AddScoped<IWebhookHandler>(sp => ActivatorUtilities.CreateInstance<GoCardlessBillingRequestEnded>(sp, action));
        services.AddScoped<Portal.Payments.IHostedCheckout, GoCardlessHostedCheckout>();
        services.AddScoped<IWebhookHandler, GoCardlessPayoutPaid>();
        return services;
    }
}
