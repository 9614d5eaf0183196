namespace Portal.Payments;

public static class PaymentsSetup
{
    public static IServiceCollection AddPayments(this IServiceCollection services) => services
        .AddScoped<ManualPaymentRecorder>()
        .AddScoped<ProviderPayments>()
        .AddScoped<PaymentAttempts>()
        .AddSingleton<StaleAttemptSweep>()
        .AddHostedService<StaleAttemptSweepService>()
        .AddScoped<PaymentCorrections>()
        .AddScoped<PaymentHistory>()
        .AddScoped<PaymentListQuery>();
}
