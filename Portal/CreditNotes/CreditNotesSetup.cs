namespace Portal.CreditNotes;

public static class CreditNotesSetup
{
    public static IServiceCollection AddCreditNotes(this IServiceCollection services)
    {
        services.AddScoped<WriteOffs>();
        return services;
    }
}
