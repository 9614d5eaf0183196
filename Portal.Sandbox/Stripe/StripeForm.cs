using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Portal.Sandbox.Stripe;

// Stripe's form encoding: nested keys in brackets ("line_items[0][price_data][currency]"), arrays as "expand[0]"
// (what Stripe.net sends) or "expand[]" (what curl users send).
internal sealed class StripeForm(IReadOnlyDictionary<string, StringValues> values)
{
    public IEnumerable<string> Keys => values.Keys;

    public string? this[string key] => values.TryGetValue(key, out var value) ? value.ToString() : null;

    public bool Has(string name) => values.Keys.Any(k => k == name || k.StartsWith(name + "[", StringComparison.Ordinal));

    public string? Text(string key) => this[key] is { Length: > 0 } text ? text : null;

    public string Required(string key) => Text(key) ?? throw StripeApiError.ParameterMissing(key);

    public long? Long(string key)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw StripeApiError.InvalidRequest($"Invalid integer: {text}", key);
    }

    public bool Bool(string key) => Text(key) is { } text && (text == "true" || text == "1");

    public Dictionary<string, string> Map(string name)
    {
        var prefix = name + "[";
        return values
            .Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && p.Key.EndsWith(']') && p.Key.IndexOf('[', prefix.Length) < 0)
            .ToDictionary(p => p.Key[prefix.Length..^1], p => p.Value.ToString());
    }

    public IReadOnlyList<string> List(string name)
    {
        var result = new List<string>();
        if (values.TryGetValue(name + "[]", out var unindexed))
        {
            result.AddRange(unindexed.Where(v => v is not null)!);
        }

        foreach (var index in Indexes(name))
        {
            if (Text($"{name}[{index}]") is { } item)
            {
                result.Add(item);
            }
        }

        return result;
    }

    // The indexes N present in "name[N]..." keys, in order.
    public IReadOnlyList<int> Indexes(string name)
    {
        var prefix = name + "[";
        return values.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..])
            .Select(rest => rest[..Math.Max(0, rest.IndexOf(']'))])
            .Select(index => int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
            .Where(n => n >= 0)
            .Distinct()
            .Order()
            .ToList();
    }
}
