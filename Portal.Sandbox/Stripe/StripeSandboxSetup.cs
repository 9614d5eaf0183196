using Portal.Sandbox.Common;

namespace Portal.Sandbox.Stripe;

/// <summary>What the hosting app may set up in the Stripe emulator outside Stripe's own API.</summary>
public sealed class StripeSandboxSetup
{
    private readonly StripeSandbox _sandbox;

    internal StripeSandboxSetup(StripeSandbox sandbox) => _sandbox = sandbox;

    /// <summary>
    /// Adds a webhook endpoint for every event, signed with a secret the caller chooses. Stripe's API always makes
    /// the secret up itself; a fixed one lets the demo be configured with it in advance, and lets an app restart
    /// (the emulator forgets everything) keep the secret it already stored.
    /// </summary>
    public void AddWebhookEndpoint(string apiKey, string url, string secret)
    {
        var account = _sandbox.AccountFor(apiKey);
        lock (account.Gate)
        {
            account.Add(new StripeWebhookEndpoint
            {
                Id = SandboxIds.Stripe("we"),
                Created = _sandbox.Clock.GetUtcNow().ToUnixTimeSeconds(),
                Url = url,
                EnabledEvents = ["*"],
                Secret = secret,
                Description = "Added by the hosting app",
            });
        }
    }
}
