namespace Portal.Sandbox;

public sealed class SandboxOptions
{
    public StripeSandboxOptions Stripe { get; } = new();

    public GoCardlessSandboxOptions GoCardless { get; } = new();

    public PlatformSandboxOptions Platform { get; } = new();

    public PayPalSandboxOptions PayPal { get; } = new();

    // Far shorter than the providers' real schedules (Stripe: up to 3 days), so retries are observable in tests.
    public TimeSpan[] WebhookRetrySchedule { get; set; } =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5),
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30),
    ];

    // Moves GoCardless mandates and payments forward by themselves, and settles Stripe delayed methods, within seconds.
    public bool DemoTicker { get; set; }

    // How long out_of_order mode holds deliveries before sending them newest first.
    public TimeSpan OutOfOrderWindow { get; set; } = TimeSpan.FromMilliseconds(300);
}

public sealed class StripeSandboxOptions
{
    public List<StripeSandboxAccount> Accounts { get; } = [];
}

public sealed record StripeSandboxAccount(string SecretKey, string? WebhookUrl, string? WebhookSecret);

public sealed class GoCardlessSandboxOptions
{
    public List<GoCardlessSandboxAccount> Accounts { get; } = [];

    // When set, each creditor gets this many requests per window (GoCardless: 1000 a minute), with true
    // RateLimit-* headers and 429 beyond; otherwise every answer says 999 left.
    public GoCardlessRateLimit? RateLimit { get; set; }
}

public sealed record GoCardlessRateLimit(int Requests, TimeSpan Window);

public sealed record GoCardlessSandboxAccount(string AccessToken, string? WebhookUrl, string? WebhookSecret);

public sealed class PlatformSandboxOptions
{
    // OAuth2 clients known to the platform; a client id starting "sandbox_" also opens an account on first use,
    // bound to the secret it first came with.
    public List<PlatformSandboxClient> Clients { get; } = [];

    // SIRENs the directory says cannot receive e-invoices; every other well-formed SIREN is reachable.
    public HashSet<string> UnreachableSirens { get; } = [];

    // How long a submitted flow stays Pending before its acknowledgement (sandbox clock); zero answers at once.
    public TimeSpan AcknowledgementDelay { get; set; } = TimeSpan.Zero;

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);
}

public sealed record PlatformSandboxClient(string ClientId, string ClientSecret);

public sealed class PayPalSandboxOptions
{
    // REST apps known to the emulator; a client id starting "sandbox_" also opens an app on its first token request,
    // bound to the secret it first came with.
    public List<PayPalSandboxAccount> Accounts { get; } = [];

    // PayPal's tokens last nine hours.
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(9);
}

// A REST app, and the webhook PayPal would deliver its events to (URL and the webhook id PayPal gave it).
public sealed record PayPalSandboxAccount(string ClientId, string ClientSecret, string? WebhookUrl = null, string? WebhookId = null);
