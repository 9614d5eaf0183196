using System.Net;
using Portal.Sandbox;
using Portal.Tests.Fixture;
using Stripe;
using Stripe.Checkout;

namespace Portal.Tests.Sandbox.Stripe;

// One sandbox, one webhook receiver and a real Stripe.net client on a fresh test account.
public sealed class StripeTestbed : IAsyncDisposable
{
    private StripeTestbed(RunningSandbox sandbox, WebhookReceiver receiver, string apiKey, string webhookSecret, TimeProvider clock)
    {
        Sandbox = sandbox;
        Receiver = receiver;
        ApiKey = apiKey;
        WebhookSecret = webhookSecret;
        Clock = clock;
        Client = ClientFor(sandbox, apiKey);
        Control = new SandboxControl(sandbox, "stripe");
    }

    public RunningSandbox Sandbox { get; }

    public WebhookReceiver Receiver { get; }

    public string ApiKey { get; }

    public string WebhookSecret { get; }

    public TimeProvider Clock { get; }

    public StripeClient Client { get; }

    public SandboxControl Control { get; }

    // Hosted-page form posts, without following the redirect back to the app.
    public HttpClient Browser { get; } = new(new HttpClientHandler { AllowAutoRedirect = false });

    public static async Task<StripeTestbed> StartAsync(Action<SandboxOptions>? configure = null, TimeProvider? clock = null)
    {
        var receiver = await WebhookReceiver.StartAsync();
        var apiKey = "sk_test_" + Guid.NewGuid().ToString("N");
        var secret = "whsec_test_" + Guid.NewGuid().ToString("N");
        clock ??= new TestClock();
        var sandbox = await SandboxHost.StartAsync(
            options =>
            {
                options.Stripe.Accounts.Add(new StripeSandboxAccount(apiKey, receiver.UrlFor("/stripe"), secret));
                options.WebhookRetrySchedule = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100)];
                configure?.Invoke(options);
            },
            clock);
        return new StripeTestbed(sandbox, receiver, apiKey, secret, clock);
    }

    public static StripeClient ClientFor(RunningSandbox sandbox, string apiKey) => new(new StripeClientOptions
    {
        ApiKey = apiKey,
        ApiBase = new Uri(sandbox.BaseUrl, "sandbox/stripe").ToString(),
        HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0, appInfo: null, enableTelemetry: false),
    });

    public Task<Session> CreateSessionAsync(long amount = 12_345, string currency = "eur", string invoiceId = "42", RequestOptions? requestOptions = null) =>
        Client.V1.Checkout.Sessions.CreateAsync(SessionOptions(amount, currency, invoiceId), requestOptions);

    public static SessionCreateOptions SessionOptions(long amount = 12_345, string currency = "eur", string invoiceId = "42") => new()
    {
        Mode = "payment",
        LineItems =
        [
            new SessionLineItemOptions
            {
                Quantity = 1,
                PriceData = new SessionLineItemPriceDataOptions
                {
                    Currency = currency,
                    UnitAmount = amount,
                    ProductData = new SessionLineItemPriceDataProductDataOptions { Name = $"Invoice INV-{invoiceId}" },
                },
            },
        ],
        Metadata = new Dictionary<string, string> { ["invoice_id"] = invoiceId },
        ClientReferenceId = "invoice-" + invoiceId,
        PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = new Dictionary<string, string> { ["invoice_id"] = invoiceId } },
        SuccessUrl = "https://portal.example.test/pay/success?session_id={CHECKOUT_SESSION_ID}",
        CancelUrl = "https://portal.example.test/pay/cancelled",
    };

    // What the payer's browser does: submit the hosted page form with one of its buttons.
    public async Task<HttpResponseMessage> ChooseOnHostedPageAsync(Session session, string choice)
    {
        session.Url.ShouldNotBeNull();
        return await Browser.PostAsync(session.Url, new FormUrlEncodedContent([new("action", choice)]));
    }

    public async Task<Session> PaidSessionAsync(long amount = 12_345, string currency = "eur")
    {
        var session = await CreateSessionAsync(amount, currency);
        using var response = await ChooseOnHostedPageAsync(session, "pay");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return await Client.V1.Checkout.Sessions.GetAsync(session.Id);
    }

    // Waits for a webhook of that type and verifies its signature exactly as the portal will.
    public async Task<Event> WebhookEventAsync(string type, Func<Event, bool>? matches = null)
    {
        var received = await Receiver.WaitForAsync(w => Verify(w) is { } e && e.Type == type && (matches?.Invoke(e) ?? true));
        return Verify(received)!;
    }

    public Event? Verify(ReceivedWebhook webhook) =>
        EventUtility.ConstructEvent(
            webhook.Body,
            webhook.Header("Stripe-Signature"),
            WebhookSecret,
            tolerance: 300,
            utcNow: Clock.GetUtcNow().ToUnixTimeSeconds(),
            throwOnApiVersionMismatch: true);

    public async ValueTask DisposeAsync()
    {
        Browser.Dispose();
        Control.Dispose();
        await Sandbox.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
