using System.Text.Json;

namespace Portal.GoCardless;

// Query-string values as GoCardless reads them: enum values in snake_case, several values joined by commas.
internal static class GoCardlessQuery
{
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string? List<TEnum>(IReadOnlyList<TEnum>? values)
        where TEnum : struct, Enum =>
        values is { Count: > 0 } ? string.Join(",", values.Select(Name)) : null;

    public static string? Time(DateTimeOffset? moment) => moment is { } value ? GoCardlessJson.Timestamp(value) : null;
}
