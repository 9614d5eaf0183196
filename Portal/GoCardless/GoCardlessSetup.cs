using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Portal.GoCardless;

public static class GoCardlessSetup
{
    public static IServiceCollection AddGoCardless(this IServiceCollection services)
    {
        services.AddOptions<GoCardlessOptions>().BindConfiguration(GoCardlessOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GoCardlessRateLimits>();
        services.AddSingleton<GoCardlessClients>();
        services.AddSingleton<GoCardlessConnectionCheck>();

        // Retries live in GoCardlessTransport, which knows whether a request is safe to send twice.
        services.AddHttpClient(GoCardlessClients.HttpClientName)
            .ConfigureHttpClient((provider, http) => http.Timeout = provider.GetRequiredService<IOptions<GoCardlessOptions>>().Value.Timeout);
        return services;
    }
}
