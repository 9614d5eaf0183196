namespace Portal.EInvoicing.Platform;

// Configuration section "EInvoicing:Platform": how the client treats any approved platform.
public sealed class PlatformOptions
{
    public const string Section = "EInvoicing:Platform";

    // Attempts per call, counting the first; only transient failures (no answer, 429, 5xx) are tried again.
    public int MaxAttempts { get; set; } = 4;

    // Back-off before retry n is RetryBaseDelay × 2^(n-1), with jitter.
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    // A token this close to its expiry is renewed before use, so a call never starts with one about to lapse.
    public TimeSpan TokenRenewalMargin { get; set; } = TimeSpan.FromSeconds(60);

    // How often the dispatcher looks for due submissions when nothing wakes it (real time).
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    // A claimed submission is another instance's to take once this has passed without an outcome.
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    // First wait before asking again about a Pending acknowledgement or after a failure; doubled each time, up to an hour.
    public TimeSpan FollowUpBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    // The fallback poll of lifecycle statuses by flows/search, for a platform whose webhooks do not reach us.
    public TimeSpan LifecyclePollInterval { get; set; } = TimeSpan.FromHours(1);
}

// One firm's access to its platform: the Flow Service base URL and its OAuth2 client. ToString never shows the secret.
public sealed record PlatformConnectionInfo
{
    public PlatformConnectionInfo(Uri baseUrl, string clientId, string clientSecret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientSecret);

        // Relative paths resolve below the base only when it ends with a slash (…/flow-service/ + v1/flows).
        BaseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        ClientId = clientId;
        ClientSecret = clientSecret;
    }

    public Uri BaseUrl { get; }

    public string ClientId { get; }

    public string ClientSecret { get; }

    // The token endpoint: XP Z12-013 leaves it to each platform; ours is under the Flow Service base.
    public Uri TokenUrl => new(BaseUrl, "oauth/token");

    public override string ToString() => $"{BaseUrl} (client {ClientId})";
}
