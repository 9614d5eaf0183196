using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Portal.Sandbox.GoCardless;

internal static class GoCardlessJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers = { typeInfo => typeInfo.Properties.ToList().ForEach(p => p.IsRequired = false) },
        },
    };

    public static JsonNode ToNode(IGoCardlessResource resource) => JsonSerializer.SerializeToNode(resource, resource.GetType(), Options)!;

    public static string Timestamp(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static JsonObject Envelope(string resourceName, JsonNode content) => new() { [resourceName] = content };
}
