using System.Net;
using Portal.Domain;
using Portal.Providers.PayPal.Api;

namespace Portal.Tests.Sandbox.PayPal;

public sealed class PayPalAuthenticationTests
{
    [Fact]
    public async Task One_token_serves_every_call_until_paypal_revokes_it_then_a_new_one_is_fetched_once()
    {
        await using var bed = await PayPalTestbed.StartAsync();

        var first = await bed.Client.GetAccessTokenAsync();
        var second = await bed.Client.GetAccessTokenAsync();
        await bed.CreateOrderAsync(new Money(1_000, Currency.EUR));

        second.ShouldBe(first);
        first.ExpiresAt.ShouldBeGreaterThan(bed.Clock.GetUtcNow().AddHours(8));
        (await bed.TokensIssuedAsync()).ShouldBe(1);

        await bed.Control.PostAsync($"tokens/{bed.ClientId}/revoke");
        var order = await bed.CreateOrderAsync(new Money(2_000, Currency.EUR));

        order.Status.ShouldBe(PayPalOrderStatus.PayerActionRequired);
        (await bed.TokensIssuedAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task Wrong_secret_is_refused_as_paypal_does_with_invalid_client()
    {
        await using var bed = await PayPalTestbed.StartAsync();

        var refused = await Should.ThrowAsync<PayPalApiException>(() => bed.ClientWith("not-the-secret").GetAccessTokenAsync());

        refused.Status.ShouldBe(HttpStatusCode.Unauthorized);
        refused.Name.ShouldBe("invalid_client");
        refused.ApiMessage.ShouldBe("Client Authentication failed");
        refused.IsAuthentication.ShouldBeTrue();
        (await bed.TokensIssuedAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Unknown_client_id_is_refused_and_no_order_is_created()
    {
        await using var bed = await PayPalTestbed.StartAsync();

        var refused = await Should.ThrowAsync<PayPalApiException>(() =>
            bed.ClientWith(bed.ClientSecret, clientId: "AnotherApp").CreateOrderAsync(PayPalTestbed.AnOrder(new Money(1_000, Currency.EUR)), "request-1"));

        refused.Name.ShouldBe("invalid_client");
    }
}
