using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Portal.Sandbox.Stripe;

internal static class StripeJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,

        // The models use C# "required" for construction only; it means nothing for output.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers = { typeInfo => typeInfo.Properties.ToList().ForEach(p => p.IsRequired = false) },
        },
    };

    public static JsonNode ToNode(IStripeObject value) => JsonSerializer.SerializeToNode(value, value.GetType(), Options)!;

    public static string Serialize(IStripeObject value) => JsonSerializer.Serialize(value, value.GetType(), Options);

    public static JsonObject List(string url, IEnumerable<JsonNode> data, bool hasMore) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(data.ToArray()),
        ["has_more"] = hasMore,
        ["url"] = url,
    };

    // Cursor pagination over a newest-first sequence, as Stripe does it.
    public static JsonObject Page<T>(IReadOnlyList<T> newestFirst, StripeForm form, string url)
        where T : IStripeObject
    {
        var limit = form.Long("limit") ?? 10;
        if (limit is < 1 or > 100)
        {
            throw StripeApiError.InvalidRequest("This value must be between 1 and 100 (it currently is " + limit + ").", "limit");
        }

        IReadOnlyList<T> page;
        bool hasMore;
        if (form.Text("ending_before") is { } before)
        {
            var end = IndexOf(newestFirst, before, "ending_before");
            var start = (int)Math.Max(0, end - limit);
            page = newestFirst.Skip(start).Take(end - start).ToList();
            hasMore = start > 0;
        }
        else
        {
            var start = form.Text("starting_after") is { } after ? IndexOf(newestFirst, after, "starting_after") + 1 : 0;
            page = newestFirst.Skip(start).Take((int)limit).ToList();
            hasMore = start + page.Count < newestFirst.Count;
        }

        return List(url, page.Select(o => ToNode(o)), hasMore);
    }

    // Replaces id strings along a dotted path ("latest_charge.balance_transaction", "data.customer") with objects.
    public static void Expand(JsonNode? node, ReadOnlySpan<string> path, Func<JsonObject, string, JsonNode?, JsonNode?> resolve)
    {
        if (path.IsEmpty || node is not JsonObject owner)
        {
            return;
        }

        var field = path[0];
        if (field == "data" && owner["object"]?.GetValue<string>() == "list" && owner["data"] is JsonArray items)
        {
            foreach (var item in items)
            {
                Expand(item, path[1..], resolve);
            }

            return;
        }

        var current = owner[field];
        if (current is null or JsonValue)
        {
            var resolved = resolve(owner, field, current);
            if (resolved is not null)
            {
                owner[field] = resolved;
                current = resolved;
            }
        }

        Expand(current, path[1..], resolve);
    }

    private static int IndexOf<T>(IReadOnlyList<T> items, string id, string param)
        where T : IStripeObject
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Id == id)
            {
                return i;
            }
        }

        throw StripeApiError.InvalidRequest($"No such object: '{id}'", param, "resource_missing");
    }
}
