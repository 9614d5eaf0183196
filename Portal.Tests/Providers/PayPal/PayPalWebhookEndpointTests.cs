using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Portal.Account;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Providers.PayPal;
using Portal.Providers.PayPal.Api;
using Portal.Sandbox.PayPal;
using Portal.Tenancy;
using Portal.Tests.Fixture;
using Portal.Tests.Sandbox;
using Portal.Tests.Stripe;

namespace Portal.Tests.Providers.PayPal;

public sealed class PayPalWebhookEndpointTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_delivery_paypal_confirms_is_stored_once_even_when_replayed()
    {
        var (firm, connection) = await ConnectedFirmAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var delivery = await CapturedDeliveryAsync(firm, connection, receiver);
        var eventId = JsonNode.Parse(delivery.Body)!["id"]!.GetValue<string>();

        using (var first = await PostAsync(connection.Id, delivery.Body, delivery.Headers))
            first.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var replay = await PostAsync(connection.Id, delivery.Body, delivery.Headers))
            replay.StatusCode.ShouldBe(HttpStatusCode.OK);

        var stored = (await app.InboxAsync()).ShouldHaveSingleItem();
        stored.Provider.ShouldBe(PaymentProvider.PayPal);
        stored.ProviderEventId.ShouldBe(eventId);
        stored.FirmId.ShouldBe(firm.Id);
        stored.Type.ShouldBe("CHECKOUT.ORDER.APPROVED");
    }

    [Fact]
    public async Task An_edited_forged_or_misaddressed_delivery_is_refused_and_nothing_is_stored()
    {
        var (firm, connection) = await ConnectedFirmAsync();
        var (_, otherConnection) = await ConnectedFirmAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var delivery = await CapturedDeliveryAsync(firm, connection, receiver);

        var edited = JsonNode.Parse(delivery.Body)!;
        edited["resource"]!["purchase_units"]![0]!["amount"]!["value"] = "1.00";
        var forged = new Dictionary<string, string>(delivery.Headers, StringComparer.OrdinalIgnoreCase) { ["PAYPAL-TRANSMISSION-SIG"] = Convert.ToBase64String(new byte[32]) };
        var bare = delivery.Headers.Where(h => !h.Key.StartsWith("PAYPAL-", StringComparison.OrdinalIgnoreCase)).ToDictionary(h => h.Key, h => h.Value);

        foreach (var (connectionId, body, headers) in new[]
        {
            (connection.Id, edited.ToJsonString(), delivery.Headers),
            (connection.Id, delivery.Body, forged),
            (connection.Id, delivery.Body, bare),
            (otherConnection.Id, delivery.Body, delivery.Headers),
            (Guid.NewGuid(), delivery.Body, delivery.Headers),
        })
        {
            using var refused = await PostAsync(connectionId, body, headers);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        (await app.InboxAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_sandbox_delivers_to_the_connections_url_and_the_event_reaches_the_inbox()
    {
        var (firm, connection) = await ConnectedFirmAsync();
        var client = await AsOwnerAsync(firm, connector => connector.ClientAsync());
        var order = await client.CreateOrderAsync(AnOrder(), Guid.NewGuid().ToString());
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/paypal/_control/") };

        (await control.PostAsJsonAsync($"orders/{order.Id}/approve", new { outcome = "completed" })).EnsureSuccessStatusCode();
        using var settled = await control.GetAsync("webhooks/settled?timeoutMs=10000");

        settled.StatusCode.ShouldBe(HttpStatusCode.OK, await settled.Content.ReadAsStringAsync());
        var stored = (await app.InboxAsync()).ShouldHaveSingleItem();
        stored.Type.ShouldBe("CHECKOUT.ORDER.APPROVED");
        stored.FirmId.ShouldBe(firm.Id);
    }

    private static NewPayPalOrder AnOrder() =>
        new(new Money(4_200, Currency.EUR), Guid.NewGuid().ToString(), "Invoice INV-0042", new Uri("https://portal.example.test/return"), new Uri("https://portal.example.test/cancel"));

    // A real delivery, caught before it reaches the app: the emulator's webhook for this app is pointed at a receiver.
    private async Task<ReceivedWebhook> CapturedDeliveryAsync(TestFirm firm, ProviderConnection connection, WebhookReceiver receiver)
    {
        var secrets = app.Services.GetRequiredService<ProviderSecrets>();
        app.Services.GetRequiredService<PayPalSandboxSetup>().SetWebhook(connection.PublicKey!, secrets.Unprotect(PaymentProvider.PayPal, connection.ApiSecretProtected),
            receiver.UrlFor("/paypal"), secrets.Unprotect(PaymentProvider.PayPal, connection.WebhookSecretProtected));
        var client = await AsOwnerAsync(firm, connector => connector.ClientAsync());
        var order = await client.CreateOrderAsync(AnOrder(), Guid.NewGuid().ToString());
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/paypal/_control/") };
        (await control.PostAsJsonAsync($"orders/{order.Id}/approve", new { outcome = "completed" })).EnsureSuccessStatusCode();
        return await receiver.WaitForAsync(w => w.Body.Contains(order.Id, StringComparison.Ordinal));
    }

    private async Task<HttpResponseMessage> PostAsync(Guid connectionId, string body, IReadOnlyDictionary<string, string> headers)
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/paypal/{connectionId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers.Where(h => h.Key.StartsWith("PAYPAL-", StringComparison.OrdinalIgnoreCase)))
            request.Headers.TryAddWithoutValidation(name, value);
        return await http.SendAsync(request);
    }

    private async Task<(TestFirm Firm, ProviderConnection Connection)> ConnectedFirmAsync()
    {
        var firm = await app.AFirmAsync();
        await AsOwnerAsync(firm, async connector =>
        {
            await connector.ConnectAsync(new PayPalConnectionInput(ProviderMode.Sandbox, "sandbox_" + Guid.NewGuid().ToString("N"), "secret-" + Guid.NewGuid(), null));
            return true;
        });
        return (firm, (await app.StoredConnectionAsync(firm, PaymentProvider.PayPal))!);
    }

    private async Task<T> AsOwnerAsync<T>(TestFirm firm, Func<PayPalConnector, Task<T>> action)
    {
        var accessor = app.Services.GetRequiredService<IHttpContextAccessor>();
        var owner = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, Roles.Owner), new Claim(PortalClaims.Firm, firm.Id.ToString())], authenticationType: "Test"));
        var previous = accessor.HttpContext;
        accessor.HttpContext = new DefaultHttpContext { User = owner };
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firm.Id);
            return await action(scope.ServiceProvider.GetRequiredService<PayPalConnector>());
        }
        finally
        {
            accessor.HttpContext = previous;
        }
    }
}
