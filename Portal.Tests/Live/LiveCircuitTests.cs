using Portal.Live;

namespace Portal.Tests.Live;

/// <summary>Pages re-read their data when the browser comes back after a dropped connection, and only then.</summary>
public sealed class LiveCircuitTests
{
    [Fact]
    public async Task Pages_resync_after_a_dropped_connection_comes_back_not_on_first_connect()
    {
        var circuit = new LiveCircuit();
        var resyncs = 0;
        circuit.Reconnected += () => { resyncs++; return Task.CompletedTask; };

        await circuit.OnConnectionUpAsync(null!, CancellationToken.None);
        resyncs.ShouldBe(0);

        await circuit.OnConnectionDownAsync(null!, CancellationToken.None);
        await circuit.OnConnectionUpAsync(null!, CancellationToken.None);
        resyncs.ShouldBe(1);

        await circuit.OnConnectionUpAsync(null!, CancellationToken.None);
        resyncs.ShouldBe(1);
    }
}
