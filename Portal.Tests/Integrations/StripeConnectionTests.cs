using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Providers.Stripe;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;

namespace Portal.Tests.Integrations;

public sealed class StripeConnectionTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Connected_secret_key_is_stored_encrypted_and_shown_only_masked()
    {
        var firm = await app.AFirmAsync();
        var key = "sk_test_" + Guid.NewGuid().ToString("N") + "4242";
        await app.ConnectStripeAsync(firm, ProviderMode.Test, key, "pk_test_abc123", "whsec_secret_for_this_firm_9876");

        var stored = (await app.StoredConnectionAsync(firm))!;
        stored.ApiSecretHint.ShouldBe("sk_test_…4242");
        stored.WebhookSecretHint.ShouldBe("whsec_…9876");
        await using (var db = app.OpenDb())
        {
            // What the database itself holds, column by column, never includes the key or the webhook secret.
            var raw = await db.Database.SqlQueryRaw<string>(
                "SELECT \"ApiSecretProtected\" || '|' || \"WebhookSecretProtected\" || '|' || \"ApiSecretHint\" AS \"Value\" FROM \"ProviderConnections\"").SingleAsync();
            raw.ShouldNotContain(key);
            raw.ShouldNotContain("whsec_secret_for_this_firm_9876");
        }
        var secrets = app.Services.GetRequiredService<ProviderSecrets>();
        secrets.Unprotect(PaymentProvider.Stripe, stored.ApiSecretProtected).ShouldBe(key);

        using var owner = await app.SignInAsync(firm.Owner);
        var (status, encoded) = await owner.GetPageAsync("/staff/integrations");
        status.ShouldBe(HttpStatusCode.OK);
        var html = WebUtility.HtmlDecode(encoded);
        html.ShouldContain("sk_test_…4242");
        html.ShouldNotContain(key);
        html.ShouldContain($"/webhooks/stripe/{firm.Key}");
    }

    [Fact]
    public void A_stripe_secret_cannot_be_read_back_as_another_providers_secret()
    {
        var secrets = app.Services.GetRequiredService<ProviderSecrets>();
        var stripe = secrets.Protect(PaymentProvider.Stripe, "sk_test_only_for_stripe_1234");
        Should.Throw<System.Security.Cryptography.CryptographicException>(() => secrets.Unprotect(PaymentProvider.GoCardless, stripe.Ciphertext));
    }

    [Theory]
    [InlineData(ProviderMode.Test, "sk_live_abcdef123456", "pk_test_abc", "whsec_abc")]
    [InlineData(ProviderMode.Sandbox, "rk_live_abcdef123456", null, null)]
    [InlineData(ProviderMode.Live, "sk_test_abcdef123456", "pk_live_abc", "whsec_abc")]
    [InlineData(ProviderMode.Live, "rk_live_abcdef123456", "pk_test_abc", "whsec_abc")]
    [InlineData(ProviderMode.Test, "pk_test_abcdef123456", null, "whsec_abc")]
    [InlineData(ProviderMode.Test, "sk_test_abcdef123456", null, "not_a_webhook_secret")]
    public async Task Key_that_does_not_fit_the_mode_is_refused_and_nothing_is_saved(ProviderMode mode, string secretKey, string? publishableKey, string? webhookSecret)
    {
        var firm = await app.AFirmAsync();
        await Should.ThrowAsync<DomainException>(() => app.ConnectStripeAsync(firm, mode, secretKey, publishableKey, webhookSecret));
        (await app.StoredConnectionAsync(firm)).ShouldBeNull();
    }

    [Fact]
    public async Task Test_connection_in_sandbox_mode_shows_the_account_stripe_reports()
    {
        var firm = await app.AFirmAsync();
        var key = StripePortalApp.NewSandboxKey();
        await app.ConnectStripeAsync(firm, ProviderMode.Sandbox, key, webhookSecret: null);

        var check = await app.AsStaffOfAsync<StripeConnector, StripeConnectionCheck>(firm, connector => connector.TestAsync());

        var account = await app.SandboxStripe(key).V1.Accounts.GetSelfAsync();
        check.Succeeded.ShouldBeTrue(check.Error);
        check.AccountId.ShouldBe(account.Id);
        var stored = (await app.StoredConnectionAsync(firm))!;
        stored.AccountId.ShouldBe(account.Id);
        stored.LastVerifiedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task Test_connection_shows_stripes_error_when_stripe_refuses()
    {
        var firm = await app.AFirmAsync();
        await app.ConnectStripeAsync(firm, ProviderMode.Sandbox, StripePortalApp.NewSandboxKey(), webhookSecret: null);
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/stripe/_control/") };
        (await control.PostAsJsonAsync("faults", new { kind = "server_error", count = 5, path_contains = "/v1/account" })).EnsureSuccessStatusCode();

        var check = await app.AsStaffOfAsync<StripeConnector, StripeConnectionCheck>(firm, connector => connector.TestAsync());

        (await control.DeleteAsync("faults")).EnsureSuccessStatusCode();
        check.Succeeded.ShouldBeFalse();
        check.Error.ShouldNotBeNullOrWhiteSpace();
        (await app.StoredConnectionAsync(firm))!.LastVerifiedAt.ShouldBeNull();
    }

    [Fact]
    public async Task Connecting_in_sandbox_mode_registers_the_webhook_with_the_sandbox()
    {
        var firm = await app.AFirmAsync();
        var key = StripePortalApp.NewSandboxKey();
        await app.ConnectStripeAsync(firm, ProviderMode.Sandbox, key, webhookSecret: null);

        var endpoints = await app.SandboxStripe(key).V1.WebhookEndpoints.ListAsync();
        endpoints.Data.ShouldHaveSingleItem().Url.ShouldEndWith($"/webhooks/stripe/{firm.Key}");
        (await app.StoredConnectionAsync(firm))!.WebhookSecretHint.ShouldStartWith("whsec_");
    }

    [Fact]
    public async Task Disconnecting_removes_the_keys()
    {
        var firm = await app.AFirmAsync();
        await app.ConnectStripeAsync(firm, ProviderMode.Test, "sk_test_abcdef123456");
        await app.AsStaffOfAsync<StripeConnector>(firm, connector => connector.DisconnectAsync());
        (await app.StoredConnectionAsync(firm)).ShouldBeNull();
    }

    [Fact]
    public async Task Card_payments_default_can_be_turned_off_for_the_firm()
    {
        var firm = await app.AFirmAsync();
        await app.AsStaffOfAsync<CardPaymentsSetting>(firm, setting => setting.SetAllowedAsync(false));
        (await app.AsStaffOfAsync<CardPaymentsSetting, bool>(firm, setting => setting.IsAllowedAsync())).ShouldBeFalse();
        await app.AsStaffOfAsync<CardPaymentsSetting>(firm, setting => setting.SetAllowedAsync(true));
        (await app.AsStaffOfAsync<CardPaymentsSetting, bool>(firm, setting => setting.IsAllowedAsync())).ShouldBeTrue();
    }

    [Fact]
    public async Task Staff_who_are_not_admins_cannot_open_integrations_or_webhook_events()
    {
        var firm = await app.AFirmAsync();
        using var staff = await app.SignInAsync(firm.Staff);
        foreach (var page in new[] { "/staff/integrations", "/staff/webhooks" })
        {
            var (status, html) = await staff.GetPageAsync(page);
            (status == HttpStatusCode.OK && html.Contains("data-testid=\"stripe-card\"", StringComparison.Ordinal)).ShouldBeFalse(page);
            html.ShouldNotContain("data-testid=\"webhook-events\"");
        }
    }
}
