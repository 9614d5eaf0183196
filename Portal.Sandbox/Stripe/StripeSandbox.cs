using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.Stripe;

// All Stripe accounts of the sandbox, keyed by API key (any sk_test_/rk_test_ key opens an account on first use).
internal sealed class StripeSandbox(SandboxOptions options, WebhookQueue webhooks, TimeProvider clock) : ISandboxClockListener
{
    private readonly ConcurrentDictionary<string, StripeAccount> _accountsByKey = new();
    private readonly ConcurrentDictionary<string, StripeAccount> _ownerOfObject = new();

    public TimeProvider Clock { get; } = clock;

    public SandboxOptions Options { get; } = options;

    public StripeAccount AccountFor(string apiKey) => _accountsByKey.GetOrAdd(apiKey, OpenAccount);

    // Hosted pages and control endpoints only know an object id, not the key.
    public StripeAccount? OwnerOf(string objectId) => _ownerOfObject.GetValueOrDefault(objectId);

    public void RegisterOwner(string objectId, StripeAccount account) => _ownerOfObject[objectId] = account;

    public void OnTick(DateTimeOffset now)
    {
        foreach (var account in _accountsByKey.Values.Distinct())
        {
            lock (account.Gate)
            {
                StripeCheckoutOutcomes.ApplyClock(account, now);
            }
        }
    }

    public void Deliver(StripeAccount account, StripeWebhookEndpoint endpoint, StripeEvent stripeEvent, string body)
    {
        if (!Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var url))
        {
            return;
        }

        var secret = endpoint.Secret;
        webhooks.Enqueue(new WebhookDelivery(
            WebhookQueue.NewDeliveryId(),
            SandboxProvider.Stripe,
            account.Id,
            url,
            body,
            [stripeEvent.Id],
            [stripeEvent.Type],
            now =>
            [
                new("Stripe-Signature", global::Stripe.EventUtility.GenerateSignatureHeader(body, secret, now.ToUnixTimeSeconds())),
                new("User-Agent", "Stripe/1.0 (+sandbox)"),
            ],
            isDuplicate: false));
    }

    private StripeAccount OpenAccount(string apiKey)
    {
        var account = new StripeAccount(AccountIdFor(apiKey), this);
        var now = Clock.GetUtcNow();
        foreach (var configured in Options.Stripe.Accounts.Where(a => a.SecretKey == apiKey && a.WebhookUrl is not null))
        {
            account.Add(new StripeWebhookEndpoint
            {
                Id = SandboxIds.Stripe("we"),
                Created = now.ToUnixTimeSeconds(),
                Url = configured.WebhookUrl!,
                EnabledEvents = ["*"],
                Secret = configured.WebhookSecret ?? StripeWebhookEndpoints.NewSecret(),
                Description = "Configured in SandboxOptions",
            });
        }

        return account;
    }

    // Stable per key, so "Test connection" shows the same account every run, without revealing the key.
    private static string AccountIdFor(string apiKey) =>
        "acct_" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)))[..16];
}
