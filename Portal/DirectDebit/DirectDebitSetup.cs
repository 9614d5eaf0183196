namespace Portal.DirectDebit;

public static class DirectDebitSetup
{
    public static IServiceCollection AddDirectDebit(this IServiceCollection services) => services
        .AddScoped<DirectDebitMandates>()
        .AddScoped<DirectDebitPayments>()
        .AddScoped<MandateImport>()
        .AddScoped<DirectDebitSettings>()
        .AddScoped<DirectDebitRetries>()
        .AddSingleton<DirectDebitAutoCollection>()
        .AddHostedService<DirectDebitAutoCollectionService>();
}
