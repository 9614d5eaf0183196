using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portal.GoCardless;

// Hands out a GoCardlessClient per creditor connection. Firms bring their own access tokens, so the token travels
// with each client rather than in the shared HttpClient's default headers.
public sealed class GoCardlessClients(
    IHttpClientFactory httpClients,
    IOptions<GoCardlessOptions> options,
    GoCardlessRateLimits rateLimits,
    TimeProvider clock,
    ILoggerFactory loggers)
{
    public const string HttpClientName = "GoCardless";

    public GoCardlessClient For(GoCardlessEnvironment environment, string accessToken) =>
        For(new GoCardlessConnection(options.Value.BaseUrlFor(environment), accessToken));

    public GoCardlessClient For(GoCardlessConnection connection)
    {
        var transport = new GoCardlessTransport(
            httpClients.CreateClient(HttpClientName), connection, options.Value, rateLimits, clock, loggers.CreateLogger<GoCardlessClient>());
        return new GoCardlessClient(transport, connection);
    }
}
