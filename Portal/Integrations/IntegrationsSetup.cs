namespace Portal.Integrations;

public static class IntegrationsSetup
{
    public static IServiceCollection AddIntegrations(this IServiceCollection services) =>
        services.AddSingleton<ProviderSecrets>().AddScoped<ProviderConnections>().AddScoped<CardPaymentsSetting>();
}
