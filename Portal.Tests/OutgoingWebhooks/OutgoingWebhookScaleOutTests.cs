using Microsoft.EntityFrameworkCore;
using Portal.Domain.OutgoingWebhooks;
using Portal.Tests.Fixture;

namespace Portal.Tests.OutgoingWebhooks;

/// <summary>Two app instances on one database, both dispatching: each event reaches the endpoint exactly once.</summary>
public sealed class OutgoingWebhookScaleOutTests : IAsyncLifetime
{
    private readonly OutgoingWebhookApp _first = new();
    private OutgoingWebhookApp _second = default!;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)_first).InitializeAsync();
        _second = new SecondInstance(_first);
        await ((IAsyncLifetime)_second).InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)_second).DisposeAsync();
        await ((IAsyncLifetime)_first).DisposeAsync();
    }

    private sealed class SecondInstance(PortalApp first) : OutgoingWebhookApp
    {
        protected override PortalApp? SharesDatabaseWith => first;
    }

    [Fact]
    public async Task Two_instances_deliver_each_event_exactly_once()
    {
        var firm = await _first.AFirmAsync();
        var (endpoint, path) = await _first.AnEndpointAsync(firm, OutgoingEventTypes.ClientCreated, OutgoingEventTypes.CreditAdded);
        var clients = new List<TestClient>();
        // Changes made on both instances, each waking its own dispatcher, while both sweep.
        for (var i = 0; i < 10; i++)
        {
            var app = i % 2 == 0 ? _first : _second;
            var client = await app.AClientAsync(firm);
            clients.Add(client);
            _first.WakeDispatcher();
            _second.WakeDispatcher();
        }
        await Task.WhenAll(clients.Select((c, i) => (i % 2 == 0 ? _second : _first).GiveCreditAsync(c, 10_00 + i)));
        _first.WakeDispatcher();
        _second.WakeDispatcher();

        await _first.Receiver.WaitForAsync(path, 20);
        var deliveries = await _first.WaitForAllAsync(endpoint.Id, 20);

        var received = _first.Receiver.ReceivedAt(path);
        received.Count.ShouldBe(20);
        received.Select(r => r.EventId).Distinct().Count().ShouldBe(20);
        deliveries.ShouldAllBe(d => d.Attempts == 1);
        await using var db = _first.OpenDb(firm.Id);
        // Ten clients, ten credits, and the ten transfers that brought the credit (an event the endpoint did not ask for).
        (await db.OutgoingEvents.CountAsync(e => e.Type == OutgoingEventTypes.ClientCreated || e.Type == OutgoingEventTypes.CreditAdded)).ShouldBe(20);
        (await db.OutgoingEvents.CountAsync(e => e.Type == OutgoingEventTypes.PaymentSucceeded)).ShouldBe(10);
        (await db.OutgoingEvents.CountAsync(e => e.FannedOutAt == null)).ShouldBe(0);
    }
}
