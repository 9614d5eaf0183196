using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Sandbox.GoCardless;

// Reading fields from a request envelope, with GoCardless's validation_failed answers for bad values.
internal sealed class GoCardlessFields(string resourceName, JsonObject fields)
{
    public string? Text(string name) => Text(fields, name);

    public string RequiredText(string name) => Text(name) ?? throw GoCardlessApiError.Validation(resourceName, name, "is missing");

    public long? Long(string name)
    {
        if (fields[name] is not JsonValue value)
        {
            return null;
        }

        return value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number)
            ? number
            : throw GoCardlessApiError.Validation(resourceName, name, "must be an integer");
    }

    public bool Bool(string name) => fields[name] is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    public DateOnly? Date(string name)
    {
        var text = Text(name);
        if (text is null)
        {
            return null;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw GoCardlessApiError.Validation(resourceName, name, "must be a date in the format YYYY-MM-DD");
    }

    public string? Link(string name) => fields["links"] is JsonObject links ? Text(links, name) : null;

    public string RequiredLink(string name) => Link(name) ?? throw GoCardlessApiError.Validation(resourceName, $"links.{name}", "is missing");

    // An amount in minor units: present, a whole number, above zero.
    public long PositiveAmount(string name)
    {
        var amount = Long(name) ?? throw GoCardlessApiError.Validation(resourceName, name, "is missing");
        return amount >= 1 ? amount : throw GoCardlessApiError.Validation(resourceName, name, "must be greater than 0");
    }

    public GoCardlessFields Nested(string name) => new(resourceName, fields[name] as JsonObject ?? []);

    public bool Has(string name) => fields[name] is not null;

    // GoCardless metadata: at most 3 keys, keys up to 50 characters, values up to 500.
    public Dictionary<string, string> Metadata(string name = "metadata")
    {
        if (fields[name] is not JsonObject metadata)
        {
            return [];
        }

        if (metadata.Count > 3)
        {
            throw GoCardlessApiError.Validation(resourceName, name, "must have at most 3 keys");
        }

        var result = new Dictionary<string, string>();
        foreach (var (key, value) in metadata)
        {
            if (key.Length > 50)
            {
                throw GoCardlessApiError.Validation(resourceName, name, "keys must be at most 50 characters");
            }

            var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw GoCardlessApiError.Validation(resourceName, name, "values must be strings");
            if (text.Length > 500)
            {
                throw GoCardlessApiError.Validation(resourceName, name, "values must be at most 500 characters");
            }

            result[key] = text;
        }

        return result;
    }

    public Dictionary<string, string> Strings(string name) =>
        fields[name] is JsonObject values
            ? values.Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out _)).ToDictionary(p => p.Key, p => p.Value!.GetValue<string>())
            : [];

    private static string? Text(JsonObject source, string name) =>
        source[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
