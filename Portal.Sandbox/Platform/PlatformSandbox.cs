using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Portal.Sandbox.Platform;

// The lifecycle statuses a seller's platform reports on an invoice (XP Z12-014 / CDAR codes).
public sealed record PlatformStatus(int Code, string Label, DateTimeOffset At, string? Reason);

// One flow as the platform keeps it.
internal sealed class PlatformFlow(string flowId, PlatformFlowInfo info, byte[] file, DateTimeOffset submittedAt)
{
    public string FlowId { get; } = flowId;

    public PlatformFlowInfo Info { get; } = info;

    public byte[] File { get; } = file;

    public DateTimeOffset SubmittedAt { get; } = submittedAt;

    public DateTimeOffset UpdatedAt { get; set; } = submittedAt;

    // Decided on receipt; shown as Pending until AcknowledgementDelay has passed.
    public PlatformDocumentCheck.Outcome? Check { get; set; }

    public string? Scenario { get; set; }

    public string? ScenarioReason { get; set; }

    public bool Acknowledged { get; set; }

    public List<PlatformStatus> Statuses { get; } = [];
}

internal sealed record PlatformFlowInfo(string Name, string FlowSyntax, string ProcessingRule, string? FlowProfile, string? TrackingId, string Sha256);

// One OAuth2 client of the platform: its flows are its own.
internal sealed class PlatformAccount(string clientId, string clientSecret)
{
    public string ClientId { get; } = clientId;

    public string ClientSecret { get; } = clientSecret;

    public Lock Gate { get; } = new();

    public List<PlatformFlow> Flows { get; } = [];

    // Scenarios queued for the next flows submitted, oldest first.
    public Queue<(string Scenario, string? Reason)> NextScenarios { get; } = new();
}

// All clients, tokens and flows of the sandbox platform.
internal sealed class PlatformSandbox(SandboxOptions options, TimeProvider clock)
{
    public static readonly IReadOnlyDictionary<int, string> Labels = new Dictionary<int, string>
    {
        [200] = "Déposée", [201] = "Émise", [202] = "Reçue", [203] = "Mise à disposition", [204] = "Prise en charge",
        [205] = "Approuvée", [206] = "Approuvée partiellement", [207] = "En litige", [208] = "Suspendue", [209] = "Complétée",
        [210] = "Refusée", [211] = "Paiement transmis", [212] = "Encaissée", [213] = "Rejetée",
    };

    private readonly ConcurrentDictionary<string, PlatformAccount> _accounts = new();
    private readonly ConcurrentDictionary<string, (PlatformAccount Account, DateTimeOffset ExpiresAt)> _tokens = new();
    private readonly ConcurrentDictionary<string, byte> _unreachable = new(options.Platform.UnreachableSirens.Select(s => KeyValuePair.Create(s, (byte)0)));

    public TimeProvider Clock { get; } = clock;

    public PlatformSandboxOptions Options { get; } = options.Platform;

    public PlatformAccount? Authenticate(string clientId, string clientSecret)
    {
        var configured = Options.Clients.FirstOrDefault(c => c.ClientId == clientId);
        if (configured is not null)
        {
            return FixedTimeEquals(configured.ClientSecret, clientSecret) ? _accounts.GetOrAdd(clientId, id => new PlatformAccount(id, configured.ClientSecret)) : null;
        }

        if (!clientId.StartsWith("sandbox_", StringComparison.Ordinal) || clientSecret.Length < 16)
        {
            return null;
        }

        var account = _accounts.GetOrAdd(clientId, id => new PlatformAccount(id, clientSecret));
        return FixedTimeEquals(account.ClientSecret, clientSecret) ? account : null;
    }

    public PlatformAccount? AccountFor(string clientId) => _accounts.GetValueOrDefault(clientId);

    public (string Token, TimeSpan Lifetime) IssueToken(PlatformAccount account)
    {
        var token = "pa_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        _tokens[token] = (account, Clock.GetUtcNow() + Options.TokenLifetime);
        return (token, Options.TokenLifetime);
    }

    public PlatformAccount? AccountForToken(string token) =>
        _tokens.TryGetValue(token, out var issued) && issued.ExpiresAt > Clock.GetUtcNow() ? issued.Account : null;

    public bool IsReachable(string siren) => !_unreachable.ContainsKey(siren);

    public void MarkUnreachable(string siren) => _unreachable[siren] = 0;

    public IEnumerable<PlatformAccount> Accounts => _accounts.Values;

    // Moves a flow forward as time passes: the acknowledgement once its delay is over, then 200 Déposée and
    // 201 Émise for an accepted invoice, or the scenario set for it. Called under the account's gate.
    public void Advance(PlatformFlow flow)
    {
        var now = Clock.GetUtcNow();
        if (flow.Acknowledged || now < flow.SubmittedAt + Options.AcknowledgementDelay)
        {
            return;
        }

        flow.Acknowledged = true;
        flow.UpdatedAt = now;
        if (flow.Check is not { Ok: true })
        {
            return;
        }

        AddStatus(flow, 200, null, now);
        switch (flow.Scenario)
        {
            case "rejected":
                AddStatus(flow, 213, flow.ScenarioReason ?? "Rejected by the platform (sandbox scenario).", now);
                return;
            case "refused":
                AddStatus(flow, 201, null, now);
                AddStatus(flow, 210, flow.ScenarioReason ?? "Refused by the buyer (sandbox scenario).", now);
                return;
            case "disputed":
                AddStatus(flow, 201, null, now);
                AddStatus(flow, 207, flow.ScenarioReason ?? "Disputed by the buyer (sandbox scenario).", now);
                return;
            case "approved":
                AddStatus(flow, 201, null, now);
                AddStatus(flow, 205, null, now);
                return;
            default:
                AddStatus(flow, 201, null, now);
                return;
        }
    }

    // A scenario for a flow already acknowledged adds its status now; otherwise it waits for the acknowledgement.
    public void ApplyScenario(PlatformFlow flow, string scenario, string? reason)
    {
        if (!flow.Acknowledged)
        {
            (flow.Scenario, flow.ScenarioReason) = (scenario, reason);
            return;
        }

        if (flow.Check is not { Ok: true })
        {
            return;
        }

        var (code, fallback) = scenario switch
        {
            "rejected" => (213, "Rejected by the platform (sandbox scenario)."),
            "refused" => (210, "Refused by the buyer (sandbox scenario)."),
            "disputed" => (207, "Disputed by the buyer (sandbox scenario)."),
            _ => (205, (string?)null),
        };
        AddStatus(flow, code, code == 205 ? null : reason ?? fallback, Clock.GetUtcNow());
    }

    public static readonly IReadOnlySet<string> Scenarios = new HashSet<string> { "rejected", "refused", "disputed", "approved" };

    private static void AddStatus(PlatformFlow flow, int code, string? reason, DateTimeOffset at)
    {
        flow.Statuses.Add(new PlatformStatus(code, Labels[code], at, reason));
        flow.UpdatedAt = at;
    }

    private static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(actual));
}
