namespace Portal.DirectDebit;

public static class DirectDebitSetup
{
    public static IServiceCollection AddDirectDebit(this IServiceCollection services) => services
        .AddScoped<DirectDebitMandates>()
        .AddScoped<DirectDebitPayments>()
        .AddScoped<MandateImport>()
        .AddScoped<DirectDebitSettings>()
        .AddSingleton<DirectDebitAutoCollection>()
        .AddHostedService<DirectDebitAutoCollectionService>();
}
