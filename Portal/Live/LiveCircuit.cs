using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Portal.Live;

/// <summary>
/// Tells the pages of one Blazor circuit that the browser came back after the connection dropped: updates sent
/// meanwhile were missed, so each live page reads its data again.
/// </summary>
public sealed class LiveCircuit : CircuitHandler
{
    private bool _wasDown;

    public event Func<Task>? Reconnected;

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        _wasDown = true;
        return Task.CompletedTask;
    }

    public override async Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (!_wasDown)
            return;
        _wasDown = false;
        if (Reconnected is { } reconnected)
            foreach (var handler in reconnected.GetInvocationList().Cast<Func<Task>>())
                await handler();
    }
}
