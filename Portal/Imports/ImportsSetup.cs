namespace Portal.Imports;

public static class ImportsSetup
{
    public static IServiceCollection AddImports(this IServiceCollection services)
    {
        services.AddScoped<ClientImport>();
        services.AddScoped<InvoiceImport>();
        services.AddScoped<ImportMappings>();
        return services;
    }
}
