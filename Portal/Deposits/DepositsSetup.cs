namespace Portal.Deposits;

public static class DepositsSetup
{
    public static IServiceCollection AddDeposits(this IServiceCollection services)
    {
        services.AddScoped<DepositInvoicing>();
        return services;
    }
}
