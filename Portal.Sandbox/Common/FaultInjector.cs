namespace Portal.Sandbox.Common;

public enum SandboxFaultKind
{
    // Refused before anything happens.
    RateLimit,
    ServerError,

    // A 400 whose body is not the provider's error envelope, only {"error": "bank_authorisation_expired"}, as
    // some of GoCardless's endpoints and proxies in front of an API answer.
    BareError,

    // Applied, then the client never gets a usable answer: the case an idempotency key exists for.
    DropResponse,
    DelayResponse,
}

public sealed record SandboxFault(SandboxFaultKind Kind, string? Method, string? PathContains, TimeSpan Delay)
{
    public bool IsBeforeHandling => Kind is SandboxFaultKind.RateLimit or SandboxFaultKind.ServerError or SandboxFaultKind.BareError;

    public bool Matches(string method, string path) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && (PathContains is null || path.Contains(PathContains, StringComparison.OrdinalIgnoreCase));
}

// Faults for the next N matching API requests of a provider (any account).
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<(SandboxProvider Provider, SandboxFault Fault)> _pending = [];

    public void Inject(SandboxProvider provider, SandboxFault fault, int count)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _pending.Add((provider, fault));
            }
        }
    }

    public void Clear(SandboxProvider provider)
    {
        lock (_gate)
        {
            _pending.RemoveAll(p => p.Provider == provider);
        }
    }

    public SandboxFault? TakeNext(SandboxProvider provider, string method, string path)
    {
        lock (_gate)
        {
            var index = _pending.FindIndex(p => p.Provider == provider && p.Fault.Matches(method, path));
            if (index < 0)
            {
                return null;
            }

            var fault = _pending[index].Fault;
            _pending.RemoveAt(index);
            return fault;
        }
    }
}
