using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain;
using Portal.Domain.OutgoingWebhooks;
using Portal.OutgoingWebhooks;
using Portal.Tests.Fixture;

namespace Portal.Tests.OutgoingWebhooks;

/// <summary>Portal as in production: https only, and no endpoint on a loopback, private, link-local or multicast address.</summary>
public sealed class GuardedWebhookApp : OutgoingWebhookApp
{
    protected override bool AllowsPrivateNetworks => false;

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Webhooks:Outgoing:AllowHttp", "false");
    }
}

public sealed class WebhookAddressGuardTests(GuardedWebhookApp app) : IClassFixture<GuardedWebhookApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("https://127.0.0.1/hook", "127.0.0.1")]
    [InlineData("https://10.0.0.1/hook", "10.0.0.1")]
    [InlineData("https://[::1]/hook", "::1")]
    [InlineData("https://169.254.169.254/latest/meta-data", "169.254.169.254")]
    [InlineData("https://192.168.1.20/hook", "192.168.1.20")]
    [InlineData("https://[fd00::1]/hook", "fd00::1")]
    [InlineData("https://224.0.0.1/hook", "224.0.0.1")]
    [InlineData("https://localhost/hook", "127.0.0.1")]
    public async Task An_endpoint_on_a_private_or_local_address_is_refused_when_saved(string url, string address)
    {
        var firm = await app.AFirmAsync();

        var refused = await Should.ThrowAsync<DomainException>(() =>
            app.AsStaffOfAsync<WebhookEndpoints, NewWebhookEndpoint>(firm, e => e.CreateAsync(url, null, [OutgoingEventTypes.InvoicePaid])));

        refused.Message.ShouldContain("private or local network");
        if (!url.Contains("localhost", StringComparison.Ordinal))
            refused.Message.ShouldContain(address);
        await using var db = app.OpenDb(firm.Id);
        (await db.WebhookEndpoints.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Plain_http_is_refused_unless_the_setting_allows_it()
    {
        var firm = await app.AFirmAsync();

        var refused = await Should.ThrowAsync<DomainException>(() =>
            app.AsStaffOfAsync<WebhookEndpoints, NewWebhookEndpoint>(firm, e => e.CreateAsync("http://hooks.example.com/portal", null, [OutgoingEventTypes.InvoicePaid])));

        refused.Message.ShouldBe("The URL must start with https://.");
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task An_endpoint_that_resolves_to_loopback_at_send_time_is_refused_before_connecting(string host)
    {
        // As after a DNS rebinding: the endpoint passed the check when saved, and now its name points inside.
        var (firm, client) = await app.AFirmWithAClientAsync();
        var path = app.Receiver.NewPath();
        var endpointId = await SavedWithoutCheckAsync(firm, $"http://{host}:{app.Receiver.Port}{path}");

        await app.GiveCreditAsync(client, 10_00);

        var refused = await app.WaitForDeliveryAsync(endpointId, d => d.Attempts == 1);
        refused.Status.ShouldBe(WebhookDeliveryStatus.Pending);
        refused.LastResponseCode.ShouldBeNull();
        refused.LastError.ShouldNotBeNull().ShouldContain("Refused");
        refused.LastError.ShouldContain("127.0.0.1");
        app.Receiver.ReceivedAt(path).ShouldBeEmpty();
    }

    [Fact]
    public void Public_addresses_pass_and_private_ones_do_not()
    {
        foreach (var open in new[] { "93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "172.32.0.1", "100.128.0.1" })
            WebhookAddressGuard.IsForbidden(System.Net.IPAddress.Parse(open)).ShouldBeFalse(open);
        foreach (var closed in new[] { "127.0.0.2", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.1", "169.254.0.1", "100.64.0.1",
                     "::1", "::", "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "239.255.255.250", "255.255.255.255" })
            WebhookAddressGuard.IsForbidden(System.Net.IPAddress.Parse(closed)).ShouldBeTrue(closed);
    }

    private async Task<Guid> SavedWithoutCheckAsync(TestFirm firm, string url)
    {
        var secrets = app.Services.GetRequiredService<WebhookSecrets>();
        var secret = WebhookSignature.NewSecret();
        var endpoint = new WebhookEndpoint(firm.Id, new Uri(url), null, [OutgoingEventTypes.CreditAdded], secrets.Protect(secret), "whsec_…", app.Clock.GetUtcNow());
        await using var db = app.OpenDb(firm.Id);
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync();
        return endpoint.Id;
    }
}
