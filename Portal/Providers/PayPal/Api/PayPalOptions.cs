namespace Portal.Providers.PayPal.Api;

public enum PayPalEnvironment
{
    Live,

    // PayPal's own sandbox (api-m.sandbox.paypal.com): the real protocol, no real money.
    Sandbox,

    // Portal.Sandbox's offline emulator, mounted in-process by the demo or started by tests.
    PortalSandbox,
}

// Configuration section "PayPal".
public sealed class PayPalOptions
{
    public const string Section = "PayPal";

    public Uri LiveUrl { get; set; } = new("https://api-m.paypal.com/");

    public Uri SandboxUrl { get; set; } = new("https://api-m.sandbox.paypal.com/");

    // Where Portal.Sandbox's PayPal routes are, e.g. http://localhost:5000/sandbox/paypal/.
    public Uri? PortalSandboxUrl { get; set; }

    // Attempts per call, counting the first. Only reads and calls carrying a PayPal-Request-Id get more than one.
    public int MaxAttempts { get; set; } = 4;

    // Back-off before retry n is RetryBaseDelay × 2^(n-1), with jitter, when PayPal sends no Retry-After.
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    // A Retry-After further away than this is not waited for: the call fails and its caller decides.
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    // A token this close to its expiry is renewed before use, so a call never starts with one about to lapse.
    public TimeSpan TokenRenewalMargin { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public Uri BaseUrlFor(PayPalEnvironment environment) => environment switch
    {
        PayPalEnvironment.Live => LiveUrl,
        PayPalEnvironment.Sandbox => SandboxUrl,
        PayPalEnvironment.PortalSandbox => PortalSandboxUrl
            ?? throw new InvalidOperationException($"{Section}:{nameof(PortalSandboxUrl)} is not configured, so the Portal sandbox cannot be reached."),
    };
}

// One firm's REST app: where its API is, the client id and its secret. ToString never shows the secret.
public sealed record PayPalCredentials
{
    public PayPalCredentials(Uri baseUrl, string clientId, string clientSecret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientSecret);

        // Relative paths resolve below the base only when it ends with a slash (…/sandbox/paypal/ + v2/checkout/orders).
        BaseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        ClientId = clientId.Trim();
        ClientSecret = clientSecret.Trim();
    }

    public Uri BaseUrl { get; }

    public string ClientId { get; }

    public string ClientSecret { get; }

    public override string ToString() => $"{BaseUrl} (client {ClientId})";
}
