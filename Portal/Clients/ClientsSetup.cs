namespace Portal.Clients;

public static class ClientsSetup
{
    public static IServiceCollection AddClients(this IServiceCollection services) =>
        services.AddScoped<ClientDirectory>().AddScoped<ClientListQuery>();
}
