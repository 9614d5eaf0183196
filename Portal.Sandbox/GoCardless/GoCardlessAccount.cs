using System.Text.Json.Nodes;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.GoCardless;

// One GoCardless creditor (one access token). Every read and change happens under Gate; the events a change
// produces are sent as one webhook batch when the change is done.
internal sealed class GoCardlessAccount(string creditorId, GoCardlessSandboxAccount? configuration, GoCardlessSandbox sandbox)
{
    private readonly List<IGoCardlessResource> _created = [];
    private readonly Dictionary<string, IGoCardlessResource> _byId = [];
    private readonly List<GcEvent> _unsent = [];

    public Lock Gate { get; } = new();

    public GoCardlessRequestWindow Requests { get; } = new();

    public string CreditorId { get; } = creditorId;

    public GoCardlessSandbox Sandbox { get; } = sandbox;

    public T Add<T>(T resource)
        where T : IGoCardlessResource
    {
        _created.Add(resource);
        _byId[resource.Id] = resource;
        Sandbox.RegisterOwner(resource.Id, this);
        return resource;
    }

    public T? Find<T>(string? id)
        where T : class, IGoCardlessResource =>
        id is not null && _byId.TryGetValue(id, out var resource) ? resource as T : null;

    public T Get<T>(string id)
        where T : class, IGoCardlessResource =>
        Find<T>(id) ?? throw GoCardlessApiError.NotFound(id);

    public IReadOnlyList<T> NewestFirst<T>()
        where T : IGoCardlessResource =>
        _created.OfType<T>().Reverse().ToList();

    // Serializes a resource as of now (a mandate's next_possible_charge_date depends on today's date).
    public JsonNode Show(IGoCardlessResource resource, DateTimeOffset now)
    {
        if (resource is GcMandate mandate)
        {
            mandate.NextPossibleChargeDate = GoCardlessLifecycle.NextPossibleChargeDate(mandate, now) is { } date ? GoCardlessJson.Date(date) : null;
        }

        return GoCardlessJson.ToNode(resource);
    }

    public GcEvent Emit(DateTimeOffset moment, string resourceType, string action, Dictionary<string, string> links, GcEventDetails details, Dictionary<string, string>? resourceMetadata = null)
    {
        // GoCardless timestamps have millisecond precision; created_at filters must compare what clients can see.
        var now = new DateTimeOffset(moment.UtcTicks - (moment.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
        var gcEvent = Add(new GcEvent
        {
            Id = SandboxIds.GoCardless("EV"),
            CreatedAt = GoCardlessJson.Timestamp(now),
            CreatedAtTime = now,
            ResourceType = resourceType,
            Action = action,
            Links = links,
            Details = details,
            ResourceMetadata = resourceMetadata is null ? [] : new Dictionary<string, string>(resourceMetadata),
        });
        _unsent.Add(gcEvent);
        return gcEvent;
    }

    public void FlushWebhooks()
    {
        if (_unsent.Count == 0)
        {
            return;
        }

        var batch = _unsent.ToList();
        _unsent.Clear();
        if (configuration is { WebhookUrl: { } url, WebhookSecret: { } secret })
        {
            Sandbox.Deliver(this, url, secret, batch);
        }
    }
}
