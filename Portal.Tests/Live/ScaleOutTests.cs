using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Portal.Live;
using Portal.Tests.Fixture;

namespace Portal.Tests.Live;

/// <summary>
/// Two instances of Portal behind an imaginary load balancer: one PostgreSQL database and one Redis. A change
/// committed through instance A reaches hub connections and open pages on instance B.
/// </summary>
public sealed class ScaleOutTests : IAsyncLifetime
{
    private readonly TestRedis _redis = new();
    private RedisInstance _a = default!;
    private RedisInstance _b = default!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _a = new RedisInstance(_redis.Connection, sharesDatabaseWith: null);
        await _a.InitializeAsync();
        _b = new RedisInstance(_redis.Connection, sharesDatabaseWith: _a);
        await _b.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)_b).DisposeAsync();
        await ((IAsyncLifetime)_a).DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_client_connected_to_instance_B_hears_a_payment_recorded_on_instance_A()
    {
        var firm = await _a.AFirmAsync();
        var client = await _a.AClientAsync(firm);
        var session = await _b.SignInAsync(client.Contact);
        await using var onB = await LiveListener.ConnectAsync(_b.BaseUrl, session);
        var pageOnB = new TaskCompletionSource<LiveUpdate>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _b.Services.GetRequiredService<LiveUpdates>()
            .Subscribe(LiveAudience.Client(client.Id), update => { pageOnB.TrySetResult(update); return Task.CompletedTask; });

        var paymentId = await _a.GiveCreditAsync(client, 75_00);

        (await onB.WaitForAsync(u => u.Kind == LiveKind.Payment && u.SubjectId == paymentId)).Status.ShouldBe("Succeeded");
        (await pageOnB.Task.WaitAsync(TimeSpan.FromSeconds(30))).ClientAccountId.ShouldBe(client.Id);
    }

    private sealed class RedisInstance(string redis, PortalApp? sharesDatabaseWith) : PortalApp
    {
        protected override PortalApp? SharesDatabaseWith => sharesDatabaseWith;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Redis:Connection", redis);
        }
    }
}
