using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.GoCardless;

// GoCardless speaks snake_case JSON and leaves out what is not set. Enums read unknown values as Unknown (value 0)
// instead of failing, as the official SDKs do: GoCardless adds statuses and schemes without a version change.
internal static class GoCardlessJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new TolerantEnumConverterFactory() },
    };

    public static string Timestamp(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private sealed class TolerantEnumConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(TolerantEnumConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class TolerantEnumConverter<TEnum> : JsonConverter<TEnum>
        where TEnum : struct, Enum
    {
        private static readonly ConcurrentDictionary<string, TEnum> ByWireName = new(
            Enum.GetValues<TEnum>().ToDictionary(GoCardlessQuery.Name, v => v));

        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && ByWireName.TryGetValue(reader.GetString()!, out var value) ? value : default;

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
            writer.WriteStringValue(GoCardlessQuery.Name(value));
    }
}
