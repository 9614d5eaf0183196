using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.OutgoingWebhooks;
using Portal.OutgoingWebhooks;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;

namespace Portal.Tests.OutgoingWebhooks;

/// <summary>
/// Portal with the Stripe sandbox (for card payments) and a receiver on a loopback port: endpoints may use plain
/// http and reach loopback here, as <c>Webhooks:Outgoing:AllowHttp</c> and <c>AllowPrivateNetworks</c> allow.
/// </summary>
public class OutgoingWebhookApp : StripePortalApp
{
    public WebhookReceiver Receiver { get; } = new();

    protected virtual bool AllowsPrivateNetworks => true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Webhooks:Outgoing:AllowHttp", "true");
        builder.UseSetting("Webhooks:Outgoing:AllowPrivateNetworks", AllowsPrivateNetworks.ToString());
    }

    protected override async Task WarmUpAsync()
    {
        await base.WarmUpAsync();
        await Receiver.StartAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    public TestClock TestClock => (TestClock)Clock;

    /// <summary>Wakes the dispatcher, as a commit does; after moving the clock, this is what "later" looks like.</summary>
    public void WakeDispatcher() => Services.GetRequiredService<OutgoingWebhookSignal>().Notify();

    /// <summary>The owner adds an endpoint on the receiver for these events; returns it with its secret.</summary>
    public async Task<(NewWebhookEndpoint Endpoint, string Path)> AnEndpointAsync(TestFirm firm, params string[] types)
    {
        var path = Receiver.NewPath();
        var endpoint = await this.AsStaffOfAsync<WebhookEndpoints, NewWebhookEndpoint>(firm, e => e.CreateAsync(Receiver.UrlOf(path).ToString(), "Books sync", types));
        return (endpoint, path);
    }

    public async Task<List<WebhookDelivery>> DeliveriesAsync(Guid endpointId)
    {
        await using var db = OpenDb();
        return await db.WebhookDeliveries.IgnoreQueryFilters().AsNoTracking().Where(d => d.EndpointId == endpointId).OrderBy(d => d.CreatedAt).ToListAsync();
    }

    public async Task<WebhookEndpoint> EndpointAsync(Guid endpointId)
    {
        await using var db = OpenDb();
        return await db.WebhookEndpoints.IgnoreQueryFilters().AsNoTracking().SingleAsync(e => e.Id == endpointId);
    }

    /// <summary>Waits until a delivery of the endpoint reaches what the test expects (the dispatcher saves right after the answer).</summary>
    public async Task<WebhookDelivery> WaitForDeliveryAsync(Guid endpointId, Func<WebhookDelivery, bool> reached)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = (await DeliveriesAsync(endpointId)).FirstOrDefault(reached);
            if (found is not null)
                return found;
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"No delivery of endpoint {endpointId} reached the expected state: "
                    + string.Join("; ", (await DeliveriesAsync(endpointId)).Select(d => $"{d.EventType} {d.Status} x{d.Attempts} {d.LastError}")));
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the endpoint has <paramref name="count"/> deliveries, all delivered.</summary>
    public async Task<List<WebhookDelivery>> WaitForAllAsync(Guid endpointId, int count)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var deliveries = await DeliveriesAsync(endpointId);
            if (deliveries.Count >= count && deliveries.All(d => d.Status == WebhookDeliveryStatus.Succeeded))
                return deliveries;
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"{deliveries.Count(d => d.Status == WebhookDeliveryStatus.Succeeded)} of {count} deliveries delivered.");
            await Task.Delay(50);
        }
    }
}
