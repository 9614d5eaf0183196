namespace Portal.Ledger;

public static class LedgerSetup
{
    /// <summary>The writer every money operation goes through.</summary>
    public static IServiceCollection AddLedger(this IServiceCollection services) => services
        .AddScoped<LedgerWriter>()
        .AddScoped<StatementOfAccount>();
}
