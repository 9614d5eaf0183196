using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Domain;
using Portal.Providers.PayPal.Api;
using Portal.Sandbox;
using Portal.Tests.Fixture;

namespace Portal.Tests.Sandbox.PayPal;

// One sandbox, one webhook receiver, and Portal's own PayPalClient for one REST app whose webhook points at the receiver.
public sealed class PayPalTestbed : IAsyncDisposable
{
    private PayPalTestbed(RunningSandbox sandbox, WebhookReceiver receiver, string clientId, string clientSecret, string webhookId, TimeProvider clock)
    {
        Sandbox = sandbox;
        Receiver = receiver;
        ClientId = clientId;
        ClientSecret = clientSecret;
        WebhookId = webhookId;
        Clock = clock;
        Control = new SandboxControl(sandbox, "paypal");
        Client = ClientWith(clientSecret);
    }

    public RunningSandbox Sandbox { get; }

    public WebhookReceiver Receiver { get; }

    public string ClientId { get; }

    public string ClientSecret { get; }

    public string WebhookId { get; }

    public TimeProvider Clock { get; }

    public SandboxControl Control { get; }

    public PayPalClient Client { get; }

    public Uri ApiBase => new(Sandbox.BaseUrl, "sandbox/paypal/");

    // The payer's browser: redirects are looked at, not followed.
    public HttpClient Browser { get; } = new(new HttpClientHandler { AllowAutoRedirect = false });

    public static readonly Uri ReturnUrl = new("https://portal.example.test/pay/paypal/return?payment=1");

    public static readonly Uri CancelUrl = new("https://portal.example.test/pay/paypal/cancel");

    public static async Task<PayPalTestbed> StartAsync()
    {
        var receiver = await WebhookReceiver.StartAsync();
        var clientId = "App" + Guid.NewGuid().ToString("N");
        var secret = "EPp" + Guid.NewGuid().ToString("N");
        var webhookId = "WH" + Guid.NewGuid().ToString("N")[..15].ToUpperInvariant();
        var clock = new TestClock();
        var sandbox = await SandboxHost.StartAsync(
            options =>
            {
                options.PayPal.Accounts.Add(new PayPalSandboxAccount(clientId, secret, receiver.UrlFor("/paypal"), webhookId));
                options.WebhookRetrySchedule = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100)];
            },
            clock);
        return new PayPalTestbed(sandbox, receiver, clientId, secret, webhookId, clock);
    }

    public PayPalClient ClientWith(string secret, string? clientId = null) =>
        new(new HttpClient(), new PayPalCredentials(ApiBase, clientId ?? ClientId, secret), new PayPalTokens(Clock),
            new PayPalOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(20) }, Clock, NullLogger.Instance);

    public static NewPayPalOrder AnOrder(Money amount, string? paymentId = null) =>
        new(amount, paymentId ?? Guid.NewGuid().ToString(), "Invoices INV-0001, INV-0002", ReturnUrl, CancelUrl, BrandName: "Test Firm");

    public Task<PayPalOrder> CreateOrderAsync(Money amount, string? paymentId = null) =>
        Client.CreateOrderAsync(AnOrder(amount, paymentId), Guid.NewGuid().ToString());

    // The payer on the approval page: "approve", "approve_pending", "approve_declined" or "cancel".
    public async Task<HttpResponseMessage> ChooseOnApprovalPageAsync(PayPalOrder order, string choice, string email = "payer@example.test")
    {
        var page = await Browser.GetAsync(order.ApproveUrl);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await Browser.PostAsync(order.ApproveUrl, new FormUrlEncodedContent([new("action", choice), new("email", email)]));
    }

    public async Task<PayPalOrder> ApprovedOrderAsync(Money amount, string choice = "approve", string email = "payer@example.test")
    {
        var order = await CreateOrderAsync(amount);
        using var answer = await ChooseOnApprovalPageAsync(order, choice, email);
        answer.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return order;
    }

    public async Task<PayPalCapture> CapturedAsync(Money amount, string choice = "approve", string email = "payer@example.test")
    {
        var order = await ApprovedOrderAsync(amount, choice, email);
        var captured = await Client.CaptureOrderAsync(order.Id, Guid.NewGuid().ToString());
        return captured.Captures.ShouldHaveSingleItem();
    }

    public async Task<int> TokensIssuedAsync()
    {
        using var http = new HttpClient();
        var counts = JsonNode.Parse(await http.GetStringAsync(new Uri(Sandbox.BaseUrl, "sandbox/paypal/_control/tokens")))!;
        return counts[ClientId]?.GetValue<int>() ?? 0;
    }

    public Task<ReceivedWebhook> WebhookAsync(string eventType, Func<JsonNode, bool>? matches = null) =>
        Receiver.WaitForAsync(w =>
        {
            var body = JsonNode.Parse(w.Body)!;
            return body["event_type"]?.GetValue<string>() == eventType && (matches?.Invoke(body) ?? true);
        });

    public static PayPalWebhookTransmission TransmissionOf(ReceivedWebhook webhook) =>
        PayPalWebhookTransmission.FromHeaders(name => webhook.Headers.TryGetValue(name, out var value) ? value : null)
        ?? throw new InvalidOperationException("The delivery lacks a PayPal transmission header.");

    public async ValueTask DisposeAsync()
    {
        Browser.Dispose();
        Control.Dispose();
        await Sandbox.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
