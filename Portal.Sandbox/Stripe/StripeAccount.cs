using System.Text.Json.Nodes;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.Stripe;

// One Stripe account (one API key). Every read and change happens under Gate, so handlers can mutate freely.
internal sealed class StripeAccount(string id, StripeSandbox sandbox)
{
    private readonly List<IStripeObject> _created = [];
    private readonly Dictionary<string, IStripeObject> _byId = [];

    public Lock Gate { get; } = new();

    public string Id { get; } = id;

    public StripeSandbox Sandbox { get; } = sandbox;

    public T Add<T>(T value)
        where T : IStripeObject
    {
        _created.Add(value);
        _byId[value.Id] = value;
        Sandbox.RegisterOwner(value.Id, this);
        return value;
    }

    public void Remove(IStripeObject value)
    {
        _created.Remove(value);
        _byId.Remove(value.Id);
    }

    public T? Find<T>(string? id)
        where T : class, IStripeObject =>
        id is not null && _byId.TryGetValue(id, out var value) ? value as T : null;

    public T Get<T>(string id, string objectName)
        where T : class, IStripeObject =>
        Find<T>(id) ?? throw StripeApiError.NotFound(objectName, id);

    public IReadOnlyList<T> NewestFirst<T>()
        where T : IStripeObject =>
        _created.OfType<T>().Reverse().ToList();

    public StripeEvent Emit(string type, IStripeObject subject, StripeEventRequest? request, DateTimeOffset now)
    {
        var stripeEvent = Add(new StripeEvent
        {
            Id = SandboxIds.Stripe("evt"),
            Created = now.ToUnixTimeSeconds(),
            Type = type,
            Request = request ?? new StripeEventRequest(null, null),
            Data = new StripeEventData(StripeJson.ToNode(subject)),
        });
        var endpoints = NewestFirst<StripeWebhookEndpoint>().Where(e => e.Wants(type)).ToList();
        stripeEvent.PendingWebhooks = endpoints.Count;
        var body = StripeJson.Serialize(stripeEvent);
        foreach (var endpoint in endpoints)
        {
            Sandbox.Deliver(this, endpoint, stripeEvent, body);
        }

        return stripeEvent;
    }

    // For expand[]: an id string becomes its object; a session's line_items are only ever shown when expanded.
    public JsonNode? Resolve(JsonObject owner, string field, JsonNode? current)
    {
        if (current is JsonValue value && value.TryGetValue<string>(out var referencedId))
        {
            return _byId.TryGetValue(referencedId, out var referenced) ? StripeJson.ToNode(referenced) : null;
        }

        if (current is null && field == "line_items" && Find<StripeCheckoutSession>(owner["id"]?.GetValue<string>()) is { } session)
        {
            return StripeCheckoutSessions.LineItemsList(session);
        }

        return null;
    }
}
