using Microsoft.Extensions.Hosting;

namespace Portal.Sandbox.Common;

// Something that moves by itself as the sandbox clock runs: session expiry, delayed payment outcomes, the demo ticker.
public interface ISandboxClockListener
{
    void OnTick(DateTimeOffset now);
}

public sealed class SandboxTicker(IEnumerable<ISandboxClockListener> listeners, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = clock.GetUtcNow();
            foreach (var listener in listeners)
            {
                listener.OnTick(now);
            }
        }
    }
}
