using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.GoCardless;

// All GoCardless creditors of the sandbox, keyed by access token.
internal sealed class GoCardlessSandbox(SandboxOptions options, WebhookQueue webhooks, TimeProvider clock) : ISandboxClockListener
{
    private readonly ConcurrentDictionary<string, GoCardlessAccount> _accountsByToken = new();
    private readonly ConcurrentDictionary<string, GoCardlessAccount> _ownerOfResource = new();

    public TimeProvider Clock { get; } = clock;

    public SandboxOptions Options { get; } = options;

    // Tokens configured in SandboxOptions, plus any "sandbox_…" token (the shape of GoCardless sandbox tokens),
    // which opens a creditor without webhooks on first use.
    public GoCardlessAccount? AccountFor(string token)
    {
        var configured = Options.GoCardless.Accounts.FirstOrDefault(a => a.AccessToken == token);
        if (configured is null && !token.StartsWith("sandbox_", StringComparison.Ordinal))
        {
            return null;
        }

        return _accountsByToken.GetOrAdd(token, t => new GoCardlessAccount(CreditorIdFor(t), configured, this));
    }

    public GoCardlessAccount? OwnerOf(string resourceId) => _ownerOfResource.GetValueOrDefault(resourceId);

    public void RegisterOwner(string resourceId, GoCardlessAccount account) => _ownerOfResource[resourceId] = account;

    public void OnTick(DateTimeOffset now)
    {
        if (!Options.DemoTicker)
        {
            return;
        }

        foreach (var account in _accountsByToken.Values)
        {
            lock (account.Gate)
            {
                GoCardlessLifecycle.DemoStep(new GoCardlessAction(account, now));
                account.FlushWebhooks();
            }
        }
    }

    public void Deliver(GoCardlessAccount account, string url, string secret, IReadOnlyList<GcEvent> batch)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var target))
        {
            return;
        }

        var body = new JsonObject
        {
            ["events"] = new JsonArray(batch.Select(e => GoCardlessJson.ToNode(e)).ToArray()),
            ["meta"] = new JsonObject { ["webhook_id"] = SandboxIds.GoCardless("WB") },
        }.ToJsonString();

        // GoCardless signs the raw body: lowercase hex HMAC-SHA256 with the endpoint secret.
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));
        webhooks.Enqueue(new WebhookDelivery(
            WebhookQueue.NewDeliveryId(),
            SandboxProvider.GoCardless,
            account.CreditorId,
            target,
            body,
            batch.Select(e => e.Id).ToList(),
            batch.Select(e => $"{e.ResourceType}.{e.Action}").ToList(),
            _ =>
            [
                new("Webhook-Signature", signature),
                new("User-Agent", "gocardless-webhook-service/1.1"),
                new("Origin", "https://api-sandbox.gocardless.com"),
            ],
            isDuplicate: false));
    }

    private static string CreditorIdFor(string token) =>
        "CR" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..12];
}

// A change to one creditor at one moment.
internal sealed record GoCardlessAction(GoCardlessAccount Account, DateTimeOffset Now)
{
    public DateOnly Today => DateOnly.FromDateTime(Now.UtcDateTime);

    public string Timestamp => GoCardlessJson.Timestamp(Now);

    public void Emit(string resourceType, string action, Dictionary<string, string> links, GcEventDetails details, Dictionary<string, string>? resourceMetadata = null) =>
        Account.Emit(Now, resourceType, action, links, details, resourceMetadata);
}
