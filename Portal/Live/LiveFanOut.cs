using System.Text.Json;
using StackExchange.Redis;

namespace Portal.Live;

/// <summary>How an update reaches the pages open on every instance: directly on one instance, through Redis on several.</summary>
public interface ILiveFanOut
{
    Task PublishAsync(LiveUpdate update, CancellationToken cancellationToken);
}

/// <summary>One instance (the embedded default): the pages listening are all in this process.</summary>
internal sealed class InProcessFanOut(LiveUpdates updates) : ILiveFanOut
{
    public Task PublishAsync(LiveUpdate update, CancellationToken cancellationToken)
    {
        updates.Deliver(update);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Several instances: each update goes out on a Redis channel every instance listens to (this one included),
/// so a page served by instance B hears a change committed on instance A.
/// </summary>
internal sealed class RedisFanOut(IConnectionMultiplexer redis, LiveUpdates updates, ILogger<RedisFanOut> logger) : ILiveFanOut, IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("portal:live-updates");

    public async Task PublishAsync(LiveUpdate update, CancellationToken cancellationToken) =>
        await redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(update));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(Channel, (_, payload) => Deliver(payload));
        }
        catch (RedisConnectionException ex)
        {
            // The multiplexer keeps the subscription and makes it once Redis answers.
            logger.LogWarning(ex, "Redis is not reachable yet; pages on this instance will hear other instances once it is");
        }
    }

    private void Deliver(RedisValue payload)
    {
        try
        {
            if (JsonSerializer.Deserialize<LiveUpdate>(payload.ToString()) is { } update)
                updates.Deliver(update);
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Ignored a live update that could not be read");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => redis.GetSubscriber().UnsubscribeAsync(Channel);
}
