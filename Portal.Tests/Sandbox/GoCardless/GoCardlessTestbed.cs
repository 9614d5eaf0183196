using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Sandbox;
using Portal.Tests.Fixture;

namespace Portal.Tests.Sandbox.GoCardless;

public sealed record GcResponse(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Raw)
{
    public string ErrorReason => Body["error"]!["errors"]![0]!["reason"]!.GetValue<string>();

    public string ErrorField => Body["error"]!["errors"]![0]!["field"]!.GetValue<string>();
}

// One sandbox, one webhook receiver and a plain HTTP client speaking GoCardless's protocol, as the portal's client does.
public sealed class GoCardlessTestbed : IAsyncDisposable
{
    private GoCardlessTestbed(RunningSandbox sandbox, WebhookReceiver receiver, string token, string secret, TimeProvider clock)
    {
        Clock = clock;
        Sandbox = sandbox;
        Receiver = receiver;
        Token = token;
        WebhookSecret = secret;
        Api = ClientFor(sandbox, token);
        Control = new SandboxControl(sandbox, "gocardless");
    }

    public RunningSandbox Sandbox { get; }

    /// <summary>The sandbox's clock: its "today" decides charge dates and expiries.</summary>
    public TimeProvider Clock { get; }

    public DateOnly Today => DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);

    public WebhookReceiver Receiver { get; }

    public string Token { get; }

    public string WebhookSecret { get; }

    public HttpClient Api { get; }

    public SandboxControl Control { get; }

    public HttpClient Browser { get; } = new(new HttpClientHandler { AllowAutoRedirect = false });

    public static async Task<GoCardlessTestbed> StartAsync(Action<SandboxOptions>? configure = null, TimeProvider? clock = null)
    {
        var receiver = await WebhookReceiver.StartAsync();
        var token = "sandbox_" + Guid.NewGuid().ToString("N");
        var secret = "gc-webhook-secret-" + Guid.NewGuid().ToString("N");
        clock ??= new TestClock();
        var sandbox = await SandboxHost.StartAsync(
            options =>
            {
                options.GoCardless.Accounts.Add(new GoCardlessSandboxAccount(token, receiver.UrlFor("/gocardless"), secret));
                options.WebhookRetrySchedule = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100)];
                configure?.Invoke(options);
            },
            clock);
        return new GoCardlessTestbed(sandbox, receiver, token, secret, clock);
    }

    public static HttpClient ClientFor(RunningSandbox sandbox, string token, string? version = "2015-07-06")
    {
        var http = new HttpClient { BaseAddress = new Uri(sandbox.BaseUrl, "sandbox/gocardless/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (version is not null)
        {
            http.DefaultRequestHeaders.Add("GoCardless-Version", version);
        }

        return http;
    }

    public Task<GcResponse> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<GcResponse> PostAsync(string path, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return SendAsync(request);
    }

    // Billing request → flow → the payer's choice on the hosted page; returns the fulfilled billing request.
    public async Task<JsonNode> SetUpMandateAsync(string currency = "GBP", string choice = "approve")
    {
        var billingRequest = await PostAsync("billing_requests", new { billing_requests = new { mandate_request = new { currency } } });
        var requestId = billingRequest.Body["billing_requests"]!["id"]!.GetValue<string>();
        var flow = await PostAsync("billing_request_flows", new
        {
            billing_request_flows = new
            {
                redirect_uri = "https://portal.example.test/dd/done",
                exit_uri = "https://portal.example.test/dd/exit",
                links = new { billing_request = requestId },
                prefilled_customer = new { given_name = "Ada", family_name = "Lovelace", email = "ada@example.test" },
            },
        });
        using var page = await ChooseOnFlowPageAsync(flow.Body["billing_request_flows"]!["authorisation_url"]!.GetValue<string>(), choice);
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return (await GetAsync($"billing_requests/{requestId}")).Body["billing_requests"]!;
    }

    public async Task<string> ActiveMandateAsync(string currency = "GBP")
    {
        var request = await SetUpMandateAsync(currency, "approve_active");
        return request["links"]!["mandate_request_mandate"]!.GetValue<string>();
    }

    public Task<GcResponse> CreatePaymentAsync(string mandateId, long amount = 5_000, string currency = "GBP", string? chargeDate = null, object? metadata = null, string? idempotencyKey = null) =>
        PostAsync("payments", new
        {
            payments = new { amount, currency, charge_date = chargeDate, metadata = metadata ?? new { invoice_id = "42" }, links = new { mandate = mandateId } },
        }, idempotencyKey);

    public async Task<HttpResponseMessage> ChooseOnFlowPageAsync(string authorisationUrl, string choice) =>
        await Browser.PostAsync(authorisationUrl, new FormUrlEncodedContent([new("action", choice), new("account_number", "12345678")]));

    // Waits for a webhook batch containing a matching event, after checking its signature.
    public async Task<JsonNode> WebhookEventAsync(string resourceType, string action, Func<JsonNode, bool>? matches = null)
    {
        bool Matches(JsonNode e) =>
            e["resource_type"]!.GetValue<string>() == resourceType && e["action"]!.GetValue<string>() == action && (matches?.Invoke(e) ?? true);
        var webhook = await Receiver.WaitForAsync(w => Events(w).Any(Matches));
        return Events(webhook).First(Matches);
    }

    public IReadOnlyList<JsonNode> Events(ReceivedWebhook webhook)
    {
        IsCorrectlySigned(webhook.Body, webhook.Header("Webhook-Signature"), WebhookSecret).ShouldBeTrue("webhook signature");
        return JsonNode.Parse(webhook.Body)!["events"]!.AsArray().Select(e => e!).ToList();
    }

    public static bool IsCorrectlySigned(string body, string signature, string secret)
    {
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        Browser.Dispose();
        Control.Dispose();
        await Sandbox.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    private async Task<GcResponse> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            var response = await Api.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return new GcResponse(response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!, response);
        }
    }
}
