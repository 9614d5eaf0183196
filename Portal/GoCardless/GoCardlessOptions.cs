namespace Portal.GoCardless;

public enum GoCardlessEnvironment
{
    Live,

    // GoCardless's own sandbox (api-sandbox.gocardless.com): real protocol, no real money.
    Sandbox,

    // Portal.Sandbox's offline emulator, mounted in-process by the demo or started by tests.
    PortalSandbox,
}

// Configuration section "GoCardless".
public sealed class GoCardlessOptions
{
    public const string Section = "GoCardless";

    public Uri LiveUrl { get; set; } = new("https://api.gocardless.com/");

    public Uri SandboxUrl { get; set; } = new("https://api-sandbox.gocardless.com/");

    // Where Portal.Sandbox's GoCardless routes are, e.g. http://localhost:5000/sandbox/gocardless/.
    public Uri? PortalSandboxUrl { get; set; }

    // Attempts per call, counting the first. Only GETs and creates with an Idempotency-Key get more than one.
    public int MaxAttempts { get; set; } = 4;

    // Back-off before retry n is RetryBaseDelay × 2^(n-1), with jitter.
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    // GoCardless's window is a minute; a RateLimit-Reset further away than this is treated as this.
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public Uri BaseUrlFor(GoCardlessEnvironment environment) => environment switch
    {
        GoCardlessEnvironment.Live => LiveUrl,
        GoCardlessEnvironment.Sandbox => SandboxUrl,
        GoCardlessEnvironment.PortalSandbox => PortalSandboxUrl
            ?? throw new InvalidOperationException($"{Section}:{nameof(PortalSandboxUrl)} is not configured, so the Portal sandbox cannot be reached."),
    };
}
