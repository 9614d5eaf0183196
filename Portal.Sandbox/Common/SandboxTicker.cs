using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Portal.Sandbox.Common;

// Something that moves by itself as the sandbox clock runs: session expiry, delayed payment outcomes, the demo ticker.
public interface ISandboxClockListener
{
    void OnTick(DateTimeOffset now);
}

public sealed class SandboxTicker(IEnumerable<ISandboxClockListener> listeners, TimeProvider clock, ILogger<SandboxTicker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = clock.GetUtcNow();
            foreach (var listener in listeners)
            {
                // A listener that fails misses one tick; the app and the other listeners carry on.
                try
                {
                    listener.OnTick(now);
                }
                catch (Exception error) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(error, "Sandbox clock listener {Listener} failed", listener.GetType().Name);
                }
            }
        }
    }
}
