namespace Portal.Wallets;

public static class WalletsSetup
{
    public static IServiceCollection AddWallets(this IServiceCollection services) => services
        .AddScoped<CreditSpender>()
        .AddScoped<WalletBalances>()
        .AddSingleton<CreditAutoApplication>();
}
