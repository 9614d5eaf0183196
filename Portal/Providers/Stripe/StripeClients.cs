using Portal.Domain.Payments;
using Portal.Integrations;
using Stripe;

namespace Portal.Providers.Stripe;

/// <summary>
/// Builds Stripe.net clients for a firm's connection. Sandbox mode points <c>ApiBase</c> at the emulator mounted in
/// this app; every other line of the adapter is the same as in production.
/// </summary>
public sealed class StripeClients(IHttpClientFactory httpClients, InAppSandbox.InAppSandbox sandbox, ProviderSecrets secrets)
{
    public const string HttpClientName = "stripe";

    public StripeClient For(ProviderConnection connection) =>
        Create(connection.Mode, secrets.Unprotect(PaymentProvider.Stripe, connection.ApiSecretProtected));

    public StripeClient Create(ProviderMode mode, string secretKey)
    {
        var options = new StripeClientOptions
        {
            ApiKey = secretKey,
            HttpClient = new SystemNetHttpClient(httpClients.CreateClient(HttpClientName), maxNetworkRetries: 2, appInfo: null, enableTelemetry: false),
        };
        if (mode == ProviderMode.Sandbox)
        {
            if (!sandbox.Enabled)
                throw new Domain.DomainException("The sandbox is not enabled on this server: connect in test or live mode.");
            options.ApiBase = sandbox.StripeApiBase;
        }
        return new StripeClient(options);
    }
}
