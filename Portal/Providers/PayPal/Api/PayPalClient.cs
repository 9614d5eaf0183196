using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Providers.PayPal.Api;

/// <summary>
/// A typed client of PayPal's REST API (OAuth2 client credentials, Orders v2, captures, refunds, webhook
/// verification) for one REST app; get one from <see cref="PayPalClients"/>. Money crosses as <see cref="Portal.Domain.Money"/>.
/// A call that moves money carries a PayPal-Request-Id: PayPal answers a repeated id with what the first request did,
/// so only such calls and reads are ever retried.
/// </summary>
public sealed class PayPalClient(HttpClient http, PayPalCredentials credentials, PayPalTokens tokens, PayPalOptions options, TimeProvider clock, ILogger logger)
{
    public PayPalCredentials Credentials { get; } = credentials;

    /// <summary>A token for this REST app: the cached one while it has more than the renewal margin left.</summary>
    public async Task<PayPalAccessToken> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        if (tokens.Current(Credentials, options.TokenRenewalMargin) is { } cached)
            return cached;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Credentials.BaseUrl, "v1/oauth2/token"))
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Credentials.ClientId}:{Credentials.ClientSecret}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw PayPalApiException.FromResponse(response.StatusCode, text, DebugId(response));
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var value = Text(root, "access_token") ?? throw new PayPalApiException(response.StatusCode, "invalid_token_response", "The token endpoint answered without an access_token.", DebugId(response), []);
        var lifetime = root.TryGetProperty("expires_in", out var seconds) && seconds.TryGetInt32(out var s) ? TimeSpan.FromSeconds(s) : TimeSpan.FromMinutes(15);
        var token = new PayPalAccessToken(value, clock.GetUtcNow() + lifetime, Text(root, "app_id"), Text(root, "scope"));
        tokens.Store(Credentials, token);
        return token;
    }

    /// <summary>
    /// Creates an order to capture at once. The experience context sends the payer back to our return_url with
    /// ?token={order id} once approved, or to cancel_url; the order then waits for <see cref="CaptureOrderAsync"/>.
    /// </summary>
    public Task<PayPalOrder> CreateOrderAsync(NewPayPalOrder order, string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        var body = new JsonObject
        {
            ["intent"] = "CAPTURE",
            ["purchase_units"] = new JsonArray(new JsonObject
            {
                ["reference_id"] = order.PaymentId,
                ["custom_id"] = order.PaymentId,
                ["invoice_id"] = order.InvoiceId,
                // PayPal cuts descriptions at 127 characters; it shows them to the payer and on the firm's statement.
                ["description"] = order.Description.Length <= 127 ? order.Description : order.Description[..126] + "…",
                ["amount"] = Node(PayPalAmounts.ToWire(order.Amount)),
            }),
            ["payment_source"] = new JsonObject
            {
                ["paypal"] = new JsonObject
                {
                    ["experience_context"] = new JsonObject
                    {
                        ["return_url"] = order.ReturnUrl.AbsoluteUri,
                        ["cancel_url"] = order.CancelUrl.AbsoluteUri,
                        ["user_action"] = "PAY_NOW",
                        ["shipping_preference"] = "NO_SHIPPING",
                        ["brand_name"] = order.BrandName,
                        ["locale"] = order.Locale,
                    },
                },
            },
        };
        return SendAsync<PayPalOrder>(HttpMethod.Post, "v2/checkout/orders", body, requestId, cancellationToken);
    }

    public Task<PayPalOrder> GetOrderAsync(string orderId, CancellationToken cancellationToken = default) =>
        SendAsync<PayPalOrder>(HttpMethod.Get, $"v2/checkout/orders/{Escape(orderId)}", null, null, cancellationToken);

    /// <summary>
    /// Captures an approved order. The same request id sent again (a retry, a second click) is answered with the
    /// first capture, never a second one. The capture may be COMPLETED, PENDING or DECLINED: read its status.
    /// </summary>
    public Task<PayPalOrder> CaptureOrderAsync(string orderId, string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        return SendAsync<PayPalOrder>(HttpMethod.Post, $"v2/checkout/orders/{Escape(orderId)}/capture", new JsonObject(), requestId, cancellationToken);
    }

    public Task<PayPalCapture> GetCaptureAsync(string captureId, CancellationToken cancellationToken = default) =>
        SendAsync<PayPalCapture>(HttpMethod.Get, $"v2/payments/captures/{Escape(captureId)}", null, null, cancellationToken);

    /// <summary>Refunds all that is left of a capture, or part of it; PayPal refuses more than is left (REFUND_AMOUNT_EXCEEDED).</summary>
    public Task<PayPalRefund> RefundCaptureAsync(string captureId, NewPayPalRefund refund, string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        var body = new JsonObject
        {
            ["amount"] = refund.Amount is { } amount ? Node(PayPalAmounts.ToWire(amount)) : null,
            ["invoice_id"] = refund.InvoiceId,
            ["note_to_payer"] = refund.NoteToPayer,
        };
        return SendAsync<PayPalRefund>(HttpMethod.Post, $"v2/payments/captures/{Escape(captureId)}/refund", body, requestId, cancellationToken);
    }

    public Task<PayPalRefund> GetRefundAsync(string refundId, CancellationToken cancellationToken = default) =>
        SendAsync<PayPalRefund>(HttpMethod.Get, $"v2/payments/refunds/{Escape(refundId)}", null, null, cancellationToken);

    /// <summary>
    /// The app's events created from <paramref name="since"/> to <paramref name="until"/>, every page of them:
    /// what a webhook should have delivered. A "next" link is followed only while it stays on this client's API.
    /// </summary>
    public async Task<IReadOnlyList<PayPalListedEvent>> ListWebhookEventsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        var events = new List<PayPalListedEvent>();
        string? path = FormattableString.Invariant(
            $"v1/notifications/webhooks-events?page_size=100&start_time={Uri.EscapeDataString(PayPalTime(since))}&end_time={Uri.EscapeDataString(PayPalTime(until))}");
        while (path is not null)
        {
            var page = await SendAsync<PayPalEventPage>(HttpMethod.Get, path, null, null, cancellationToken);
            foreach (var item in page.Events)
            {
                if (item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                    && item.TryGetProperty("event_type", out var type) && type.ValueKind == JsonValueKind.String)
                    events.Add(new PayPalListedEvent(id.GetString()!, type.GetString()!, item.GetRawText()));
            }
            path = page.Links.FirstOrDefault(l => l.Rel == "next") is { } next && Uri.TryCreate(next.Href, UriKind.Absolute, out var nextUrl)
                && Credentials.BaseUrl.IsBaseOf(nextUrl)
                ? Credentials.BaseUrl.MakeRelativeUri(nextUrl).OriginalString
                : null;
        }
        return events;
    }

    private static string PayPalTime(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public Task<PayPalDispute> GetDisputeAsync(string disputeId, CancellationToken cancellationToken = default) =>
        SendAsync<PayPalDispute>(HttpMethod.Get, $"v1/customer/disputes/{Escape(disputeId)}", null, null, cancellationToken);

    /// <summary>
    /// Asks PayPal whether a delivery is one it sent to the webhook <paramref name="webhookId"/>. The event is sent
    /// back exactly as received: PayPal's signature covers a CRC32 of the raw body.
    /// </summary>
    public async Task<PayPalVerificationStatus> VerifyWebhookSignatureAsync(PayPalWebhookTransmission transmission, string webhookId, string rawBody, CancellationToken cancellationToken = default)
    {
        JsonNode? webhookEvent;
        try
        {
            webhookEvent = JsonNode.Parse(rawBody);
        }
        catch (JsonException)
        {
            return PayPalVerificationStatus.Failure;
        }

        var body = new JsonObject
        {
            ["auth_algo"] = transmission.AuthAlgo,
            ["cert_url"] = transmission.CertUrl,
            ["transmission_id"] = transmission.TransmissionId,
            ["transmission_sig"] = transmission.TransmissionSig,
            ["transmission_time"] = transmission.TransmissionTime,
            ["webhook_id"] = webhookId,
            ["webhook_event"] = webhookEvent,
        };

        // Reading a verdict changes nothing at PayPal, so it may be asked again after a lost answer.
        var answer = await SendAsync<VerificationAnswer>(HttpMethod.Post, "v1/notifications/verify-webhook-signature", body, null, cancellationToken);
        return answer.VerificationStatus;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, JsonObject? body, string? requestId, CancellationToken cancellationToken)
    {
        var attempts = (method == HttpMethod.Get || requestId is not null || path.StartsWith("v1/notifications/", StringComparison.Ordinal))
            ? Math.Max(1, options.MaxAttempts)
            : 1;
        var content = body?.ToJsonString(PayPalJson.Options);
        var renewedToken = false;
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                var token = await GetAccessTokenAsync(cancellationToken);
                using var request = new HttpRequestMessage(method, new Uri(Credentials.BaseUrl, path));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (requestId is not null)
                    request.Headers.Add("PayPal-Request-Id", requestId);
                if (content is not null)
                {
                    request.Content = new StringContent(content, Encoding.UTF8, "application/json");
                    // The whole resource in the answer, not only its id and links.
                    request.Headers.Add("Prefer", "return=representation");
                }

                response = await http.SendAsync(request, cancellationToken);
            }
            catch (Exception failure) when (IsNoAnswer(failure, cancellationToken) || failure is PayPalApiException { IsTransient: true })
            {
                // No answer: the request may or may not have been applied; only a read or a call under a
                // PayPal-Request-Id can be sent again without doing anything twice.
                if (attempt >= attempts)
                    throw;
                var wait = BackOff(attempt);
                logger.LogWarning("PayPal {Method} {Path} failed ({Failure}) on attempt {Attempt}; retrying in {Wait} ({Credentials})",
                    method, path, failure.GetType().Name, attempt, wait, Credentials);
                await Task.Delay(wait, clock, cancellationToken);
                continue;
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    logger.LogDebug("PayPal {Method} {Path} answered {Status} (debug_id {DebugId}, attempt {Attempt})", method, path, (int)response.StatusCode, DebugId(response), attempt);
                    return JsonSerializer.Deserialize<T>(text.Length == 0 ? "{}" : text, PayPalJson.Options)
                        ?? throw new JsonException($"PayPal answered {method} {path} with null.");
                }

                var error = PayPalApiException.FromResponse(response.StatusCode, text, DebugId(response));

                // A token PayPal revoked before its expiry: fetch a new one, once, and send again (nothing was done).
                if (response.StatusCode == HttpStatusCode.Unauthorized && !renewedToken)
                {
                    tokens.Forget(Credentials);
                    renewedToken = true;
                    attempt--;
                    continue;
                }

                if (!error.IsTransient || attempt >= attempts)
                    throw error;
                var wait = RetryAfter(response) ?? BackOff(attempt);
                if (wait > options.MaxRetryAfter)
                    throw error;
                logger.LogWarning("PayPal {Method} {Path} answered {Status} {Name} (debug_id {DebugId}) on attempt {Attempt}; retrying in {Wait} ({Credentials})",
                    method, path, (int)response.StatusCode, error.Name, error.DebugId, attempt, wait, Credentials);
                await Task.Delay(wait, clock, cancellationToken);
            }
        }
    }

    // Retry-After is either seconds or an HTTP date.
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
            return date - clock.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        return null;
    }

    private static bool IsNoAnswer(Exception failure, CancellationToken cancellationToken) =>
        failure is HttpRequestException || (failure is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    private TimeSpan BackOff(int attempt)
    {
        var exponential = options.RetryBaseDelay * Math.Pow(2, attempt - 1);
        return exponential + (exponential * Random.Shared.NextDouble() * 0.25);
    }

    private static JsonObject Node(PayPalMoney money) => new() { ["currency_code"] = money.CurrencyCode, ["value"] = money.Value };

    private static string Escape(string id) => Uri.EscapeDataString(id);

    private static string? DebugId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("PayPal-Debug-Id", out var values) ? values.FirstOrDefault() : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record VerificationAnswer(PayPalVerificationStatus VerificationStatus);
}

// Hands out a PayPalClient per firm connection over the shared, named HttpClient.
public sealed class PayPalClients(IHttpClientFactory httpClients, PayPalTokens tokens, Microsoft.Extensions.Options.IOptions<PayPalOptions> options, TimeProvider clock, ILoggerFactory loggers)
{
    public const string HttpClientName = "PayPal";

    public PayPalClient For(PayPalEnvironment environment, string clientId, string clientSecret) =>
        For(new PayPalCredentials(options.Value.BaseUrlFor(environment), clientId, clientSecret));

    public PayPalClient For(PayPalCredentials credentials) =>
        new(httpClients.CreateClient(HttpClientName), credentials, tokens, options.Value, clock, loggers.CreateLogger<PayPalClient>());
}

public static class PayPalSetup
{
    public static IServiceCollection AddPayPal(this IServiceCollection services)
    {
        services.AddOptions<PayPalOptions>().BindConfiguration(PayPalOptions.Section);
        services.AddSingleton<PayPalTokens>();
        services.AddSingleton<PayPalClients>();

        // Retries live in PayPalClient, which knows whether a request is safe to send twice.
        services.AddHttpClient(PayPalClients.HttpClientName)
            .ConfigureHttpClient((provider, client) => client.Timeout = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<PayPalOptions>>().Value.Timeout);
        return services;
    }
}
