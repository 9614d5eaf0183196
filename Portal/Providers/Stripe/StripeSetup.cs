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
        services.AddScoped<StripePaymentLookup>();
        services.AddScoped<StripeCheckoutStarter>();
        services.AddScoped<Portal.Payments.IHostedCheckout, StripeHostedCheckout>();
        services.AddScoped<StripeRefunder>();
        services.AddScoped<IWebhookHandler, CheckoutSessionCompleted>();
        services.AddScoped<IWebhookHandler, CheckoutSessionAsyncPaymentSucceeded>();
        services.AddScoped<IWebhookHandler, CheckoutSessionAsyncPaymentFailed>();
        services.AddScoped<IWebhookHandler, CheckoutSessionExpired>();
        services.AddScoped<IWebhookHandler, PaymentIntentPaymentFailed>();
        services.AddScoped<IWebhookHandler, PaymentIntentSucceeded>();
        services.AddScoped<IWebhookHandler, PaymentIntentRequiresAction>();
        services.AddScoped<IWebhookHandler, ChargeRefunded>();
        foreach (var type in RefundFailed.Types)
            services.AddScoped<IWebhookHandler>(sp => ActivatorUtilities.CreateInstance<RefundFailed>(sp, type));
        services.AddScoped<IWebhookHandler, ChargeDisputeCreated>();
        services.AddScoped<IWebhookHandler, ChargeDisputeClosed>();
        foreach (var type in StripePayoutEvent.Types)
            services.AddScoped<IWebhookHandler>(sp => ActivatorUtilities.CreateInstance<StripePayoutEvent>(sp, type));
        services.AddHostedService<EventReconciliationService<StripeEventReconciliation>>();
        return services;
    }
}
