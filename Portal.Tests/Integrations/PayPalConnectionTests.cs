using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Account;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Providers.PayPal;
using Portal.Sandbox;
using Portal.Tenancy;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;

namespace Portal.Tests.Integrations;

public sealed class PayPalConnectionTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Owner_connects_paypal_and_the_secret_is_stored_encrypted_and_shown_only_by_its_hint()
    {
        var firm = await app.AFirmAsync();
        var secret = "EJ" + Guid.NewGuid().ToString("N") + "Zq9w";
        await AsAsync(firm, Roles.Owner, paypal => paypal.ConnectAsync(new PayPalConnectionInput(ProviderMode.Test, " AbcClientId123 ", secret, "8PT597110X687430LKGECATA")));

        var stored = (await app.StoredConnectionAsync(firm, PaymentProvider.PayPal))!;
        stored.PublicKey.ShouldBe("AbcClientId123");
        stored.ApiSecretHint.ShouldBe("…Zq9w");
        stored.WebhookSecretHint.ShouldBe("…CATA");
        await using (var db = app.OpenDb())
        {
            var raw = await db.Database.SqlQueryRaw<string>(
                "SELECT \"ApiSecretProtected\" || '|' || \"WebhookSecretProtected\" || '|' || \"ApiSecretHint\" AS \"Value\" FROM \"ProviderConnections\"").SingleAsync();
            raw.ShouldNotContain(secret);
        }
        app.Services.GetRequiredService<ProviderSecrets>().Unprotect(PaymentProvider.PayPal, stored.ApiSecretProtected).ShouldBe(secret);

        using var owner = await app.SignInAsync(firm.Owner);
        var (status, encoded) = await owner.GetPageAsync("/staff/integrations");
        status.ShouldBe(HttpStatusCode.OK);
        var html = WebUtility.HtmlDecode(encoded);
        html.ShouldContain("data-testid=\"paypal-card\"");
        html.ShouldContain("AbcClientId123");
        html.ShouldContain("…Zq9w");
        html.ShouldNotContain(secret);
        html.ShouldContain($"/webhooks/paypal/{stored.Id}");
        html.ShouldContain("data-testid=\"paypal-connect\"");
    }

    [Fact]
    public async Task Test_connection_in_sandbox_mode_gets_a_token_and_records_the_app()
    {
        var firm = await app.AFirmAsync();
        await AsAsync(firm, Roles.Owner, paypal => paypal.ConnectAsync(new PayPalConnectionInput(ProviderMode.Sandbox, NewSandboxClientId(), "secret-" + Guid.NewGuid(), null)));

        var check = await AsAsync(firm, Roles.Admin, paypal => paypal.TestAsync());

        check.Succeeded.ShouldBeTrue(check.Detail);
        check.AppId.ShouldStartWith("APP-");
        var stored = (await app.StoredConnectionAsync(firm, PaymentProvider.PayPal))!;
        stored.AccountId.ShouldBe(check.AppId);
        stored.LastVerifiedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task Test_connection_with_a_wrong_secret_says_paypal_refused_the_credentials()
    {
        var firm = await app.AFirmAsync();
        var clientId = NewSandboxClientId();
        await AsAsync(firm, Roles.Owner, paypal => paypal.ConnectAsync(new PayPalConnectionInput(ProviderMode.Sandbox, clientId, "the-right-secret-0001", null)));
        (await AsAsync(firm, Roles.Owner, paypal => paypal.TestAsync())).Succeeded.ShouldBeTrue();

        await AsAsync(firm, Roles.Owner, paypal => paypal.ConnectAsync(new PayPalConnectionInput(ProviderMode.Sandbox, clientId, "a-wrong-secret-0002", null)));
        var check = await AsAsync(firm, Roles.Owner, paypal => paypal.TestAsync());

        check.Succeeded.ShouldBeFalse();
        check.Problem.ShouldBe(PayPalConnectionProblem.WrongCredentials);
        check.Detail.ShouldBe("Client Authentication failed");
        (await app.StoredConnectionAsync(firm, PaymentProvider.PayPal))!.LastVerifiedAt.ShouldBeNull();
    }

    [Fact]
    public async Task Connecting_in_sandbox_mode_points_the_emulators_webhook_at_the_connection()
    {
        var firm = await app.AFirmAsync();
        var clientId = NewSandboxClientId();
        await AsAsync(firm, Roles.Owner, paypal => paypal.ConnectAsync(new PayPalConnectionInput(ProviderMode.Sandbox, clientId, "secret-" + Guid.NewGuid(), null)));

        var stored = (await app.StoredConnectionAsync(firm, PaymentProvider.PayPal))!;
        var registered = app.Services.GetRequiredService<SandboxOptions>().PayPal.Accounts.Where(a => a.ClientId == clientId).ShouldHaveSingleItem();
        registered.WebhookUrl.ShouldEndWith($"/webhooks/paypal/{stored.Id}");
        registered.WebhookId.ShouldBe(app.Services.GetRequiredService<ProviderSecrets>().Unprotect(PaymentProvider.PayPal, stored.WebhookSecretProtected));
    }

    [Fact]
    public async Task An_admin_who_is_not_the_owner_cannot_connect_change_or_disconnect_paypal()
    {
        var firm = await app.AFirmAsync();
        var admin = await app.AUserAsync($"admin@{firm.Key}.test", "Admin " + firm.Key, Roles.Admin, firm.Id, null);

        await Should.ThrowAsync<DomainException>(() => AsAsync(firm, Roles.Admin, paypal => paypal.ConnectAsync(new PayPalConnectionInput(ProviderMode.Test, "AdminsApp", "admins-secret-123", null))));
        (await app.StoredConnectionAsync(firm, PaymentProvider.PayPal)).ShouldBeNull();

        await AsAsync(firm, Roles.Owner, paypal => paypal.ConnectAsync(new PayPalConnectionInput(ProviderMode.Test, "OwnersApp", "owners-secret-123", null)));
        await Should.ThrowAsync<DomainException>(() => AsAsync(firm, Roles.Admin, paypal => paypal.ConnectAsync(new PayPalConnectionInput(ProviderMode.Test, "AdminsApp", "admins-secret-123", null))));
        await Should.ThrowAsync<DomainException>(() => AsAsync(firm, Roles.Admin, paypal => paypal.DisconnectAsync()));
        (await app.StoredConnectionAsync(firm, PaymentProvider.PayPal))!.PublicKey.ShouldBe("OwnersApp");

        using var session = await app.SignInAsync(admin);
        var (status, html) = await session.GetPageAsync("/staff/integrations");
        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("data-testid=\"paypal-owner-only\"");
        html.ShouldNotContain("data-testid=\"paypal-connect\"");
        html.ShouldNotContain("data-testid=\"paypal-disconnect\"");
    }

    [Fact]
    public async Task Another_firm_cannot_see_or_use_the_connection()
    {
        var firm = await app.AFirmAsync();
        var other = await app.AFirmAsync();
        await AsAsync(firm, Roles.Owner, paypal => paypal.ConnectAsync(new PayPalConnectionInput(ProviderMode.Test, "FirstFirmsApp", "first-firms-secret-9876", null)));

        (await app.AsStaffOfAsync<ProviderConnections, ConnectionSummary?>(other, connections => connections.SummaryAsync(PaymentProvider.PayPal))).ShouldBeNull();
        await Should.ThrowAsync<DomainException>(() => AsAsync(other, Roles.Owner, paypal => paypal.TestAsync()));
        using var session = await app.SignInAsync(other.Owner);
        var (_, html) = await session.GetPageAsync("/staff/integrations");
        html.ShouldNotContain("FirstFirmsApp");
        html.ShouldNotContain("…9876");
    }

    [Theory]
    [InlineData(" ", "secret-123456", null)]
    [InlineData("SomeApp", " ", null)]
    [InlineData("SomeApp", "secret-123456", "WH-not/an id")]
    public async Task Bad_credentials_are_refused_and_nothing_is_saved(string clientId, string secret, string? webhookId)
    {
        var firm = await app.AFirmAsync();
        await Should.ThrowAsync<DomainException>(() => AsAsync(firm, Roles.Owner, paypal => paypal.ConnectAsync(new PayPalConnectionInput(ProviderMode.Test, clientId, secret, webhookId))));
        (await app.StoredConnectionAsync(firm, PaymentProvider.PayPal)).ShouldBeNull();
    }

    private static string NewSandboxClientId() => "sandbox_" + Guid.NewGuid().ToString("N");

    private Task AsAsync(TestFirm firm, string role, Func<PayPalConnector, Task> action) =>
        AsAsync(firm, role, async connector => { await action(connector); return true; });

    // The connector checks the signed-in person's role, as a page request or circuit carries it.
    private async Task<T> AsAsync<T>(TestFirm firm, string role, Func<PayPalConnector, Task<T>> action)
    {
        var accessor = app.Services.GetRequiredService<IHttpContextAccessor>();
        var person = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Role, role), new Claim(PortalClaims.Firm, firm.Id.ToString())], authenticationType: "Test"));
        var previous = accessor.HttpContext;
        accessor.HttpContext = new DefaultHttpContext { User = person };
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
