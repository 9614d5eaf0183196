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

    public GoCardlessClient For(GoCardlessEnvironment environment, string accessToken)
    {
        // GoCardless tokens say where they belong (live_…, sandbox_…): a live token must never travel to a sandbox,
        // and a sandbox token against live only earns a 401 that hides the real mistake.
        var live = accessToken.StartsWith("live_", StringComparison.Ordinal);
        var sandbox = accessToken.StartsWith("sandbox_", StringComparison.Ordinal);
        if ((environment == GoCardlessEnvironment.Live && sandbox) || (environment != GoCardlessEnvironment.Live && live))
        {
            throw new ArgumentException($"A {(live ? "live" : "sandbox")} GoCardless access token cannot be used with the {environment} environment.", nameof(accessToken));
        }

        return For(new GoCardlessConnection(options.Value.BaseUrlFor(environment), accessToken));
    }

    public GoCardlessClient For(GoCardlessConnection connection)
    {
        var transport = new GoCardlessTransport(
            httpClients.CreateClient(HttpClientName), connection, options.Value, rateLimits, clock, loggers.CreateLogger<GoCardlessClient>());
        return new GoCardlessClient(transport, connection);
    }
}
