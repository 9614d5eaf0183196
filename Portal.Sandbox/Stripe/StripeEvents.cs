using System.Text.Json.Nodes;

namespace Portal.Sandbox.Stripe;

internal static class StripeEvents
{
    public static JsonNode Get(StripeCall call, string id) => StripeJson.ToNode(call.Account.Get<StripeEvent>(id, "event"));

    public static JsonNode List(StripeCall call)
    {
        var form = call.Form;
        var types = form.List("types");
        var type = form.Text("type");
        var events = call.Account.NewestFirst<StripeEvent>()
            .Where(e => type is null || TypeMatches(type, e.Type))
            .Where(e => types.Count == 0 || types.Any(t => TypeMatches(t, e.Type)))
            .Where(e => CreatedMatches(form, e.Created))
            .ToList();
        return StripeJson.Page(events, form, "/v1/events");
    }

    // Stripe allows one wildcard at the end: "charge.dispute.*".
    private static bool TypeMatches(string filter, string type) =>
        filter.EndsWith(".*", StringComparison.Ordinal)
            ? type.StartsWith(filter[..^1], StringComparison.Ordinal)
            : filter == type;

    private static bool CreatedMatches(StripeForm form, long created) =>
        (form.Long("created") is not { } exact || created == exact)
        && (form.Long("created[gt]") is not { } gt || created > gt)
        && (form.Long("created[gte]") is not { } gte || created >= gte)
        && (form.Long("created[lt]") is not { } lt || created < lt)
        && (form.Long("created[lte]") is not { } lte || created <= lte);
}
