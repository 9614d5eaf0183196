using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Providers.Stripe;
using Portal.Tests.Fixture;
using Portal.Webhooks;
using Stripe;

namespace Portal.Tests.Stripe;

/// <summary>
/// Portal with the provider sandbox mounted in-process, as `dotnet run` has it. Webhook processing is driven by the
/// tests (<see cref="ProcessWebhooksAsync"/>) so each step's outcome can be asserted.
/// </summary>
public class StripePortalApp : PortalApp
{
    public const string WebhookSecret = "whsec_portal_tests_0123456789abcdef";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Sandbox:Enabled", "true");
        builder.UseSetting("Sandbox:Ticker", "false");
        builder.UseSetting("Webhooks:ProcessInBackground", "false");
        builder.UseSetting("Webhooks:FirstRetryDelay", "00:00:00");
        builder.UseSetting("Webhooks:MaxAttempts", "3");
    }

    public static string NewSandboxKey() => "sk_test_" + Guid.NewGuid().ToString("N");

    /// <summary>Connects <paramref name="firm"/> the way its owner would on the Integrations page.</summary>
    public Task ConnectStripeAsync(TestFirm firm, ProviderMode mode, string secretKey, string? publishableKey = null, string? webhookSecret = WebhookSecret) =>
        this.AsStaffOfAsync<StripeConnector>(firm, connector => connector.ConnectAsync(new StripeConnectionInput(mode, secretKey, publishableKey, webhookSecret)));

    /// <summary>A Stripe.net client on the in-app sandbox, as a test's own view of the firm's Stripe account.</summary>
    public StripeClient SandboxStripe(string secretKey) => new(new StripeClientOptions
    {
        ApiKey = secretKey,
        ApiBase = new Uri(BaseUrl, "sandbox/stripe").ToString(),
        HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0, appInfo: null, enableTelemetry: false),
    });

    public async Task<int> ProcessWebhooksAsync() => await Services.GetRequiredService<WebhookProcessor>().ProcessDueAsync();

    public async Task<List<WebhookEvent>> InboxAsync()
    {
        await using var db = OpenDb();
        return await db.WebhookEvents.IgnoreQueryFilters().AsNoTracking().OrderBy(e => e.ReceivedAt).ToListAsync();
    }

    public async Task<ProviderConnection?> StoredConnectionAsync(TestFirm firm, PaymentProvider provider = PaymentProvider.Stripe)
    {
        await using var db = OpenDb(firm.Id);
        return await db.ProviderConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Provider == provider);
    }

    /// <summary>The secret the firm's Stripe webhook endpoint signs with, as the portal stored it when connecting.</summary>
    public async Task<string> WebhookSigningSecretAsync(TestFirm firm)
    {
        var connection = (await StoredConnectionAsync(firm)).ShouldNotBeNull();
        return Services.GetRequiredService<Portal.Integrations.ProviderSecrets>().Unprotect(PaymentProvider.Stripe, connection.WebhookSecretProtected);
    }

    /// <summary>Posts a body to the firm's Stripe webhook URL, signed with <paramref name="secret"/> unless a header is given.</summary>
    public async Task<HttpResponseMessage> PostStripeEventAsync(string firmKey, string body, string? secret = WebhookSecret, string? signatureHeader = null, string contentType = "application/json")
    {
        using var http = new HttpClient { BaseAddress = BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/stripe/{firmKey}") { Content = new StringContent(body, Encoding.UTF8, contentType) };
        var header = signatureHeader ?? (secret is null ? null : EventUtility.GenerateSignatureHeader(body, secret, Clock.GetUtcNow().ToUnixTimeSeconds()));
        if (header is not null)
            request.Headers.TryAddWithoutValidation("Stripe-Signature", header);
        return await http.SendAsync(request);
    }

    /// <summary>A Stripe event as Stripe sends it, around a small object of the given kind.</summary>
    public static string StripeEventJson(string type, string? eventId = null, JsonObject? dataObject = null) => new JsonObject
    {
        ["id"] = eventId ?? "evt_test_" + Guid.NewGuid().ToString("N")[..20],
        ["object"] = "event",
        ["api_version"] = "2026-10-28.endive",
        ["created"] = new TestClock().GetUtcNow().ToUnixTimeSeconds(),
        ["type"] = type,
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["data"] = new JsonObject { ["object"] = dataObject ?? new JsonObject { ["id"] = "cs_test_" + Guid.NewGuid().ToString("N")[..16], ["object"] = "checkout.session" } },
    }.ToJsonString();

    public static MediaTypeHeaderValue Json => new("application/json");
}
