namespace Portal.Audit;

public static class AuditSetup
{
    public static IServiceCollection AddAudit(this IServiceCollection services) => services
        .AddScoped<CurrentActor>()
        .AddScoped<AuditTrail>();
}
