namespace Portal.Payouts;

public static class PayoutsSetup
{
    public static IServiceCollection AddPayouts(this IServiceCollection services) => services
        .AddScoped<ProviderPayouts>()
        .AddScoped<PayoutReconciliation>();
}
