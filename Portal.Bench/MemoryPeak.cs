using System.Diagnostics;

namespace Portal.Bench;

/// <summary>
/// The most memory the process held while a step ran: the managed heap and the working set, sampled every 10 ms from
/// a clean start (a full collection first), so a step that streams shows a flat figure and one that buffers does not.
/// </summary>
internal sealed class MemoryPeak
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _managed;
    private long _workingSet;

    private MemoryPeak() => _sampler = Task.Run(SampleAsync);

    public static MemoryPeak Start()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return new MemoryPeak();
    }

    /// <summary>Stops sampling; the peaks in MB.</summary>
    public async Task<(double ManagedMb, double WorkingSetMb)> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        _stop.Dispose();
        return (_managed / 1024.0 / 1024.0, _workingSet / 1024.0 / 1024.0);
    }

    private async Task SampleAsync()
    {
        using var process = Process.GetCurrentProcess();
        while (!_stop.IsCancellationRequested)
        {
            _managed = Math.Max(_managed, GC.GetTotalMemory(forceFullCollection: false));
            process.Refresh();
            _workingSet = Math.Max(_workingSet, process.WorkingSet64);
            try
            {
                await Task.Delay(10, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
