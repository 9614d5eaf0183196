using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Providers.PayPal.Api;

// PayPal speaks snake_case JSON with UPPER_SNAKE statuses. Unknown statuses read as Unknown (value 0) instead of
// failing: PayPal adds values (PAYER_ACTION_REQUIRED came late) without a new API version.
internal static class PayPalJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new TolerantEnumConverterFactory() },
    };

    public static string WireName<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString());

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
            Enum.GetValues<TEnum>().ToDictionary(WireName, v => v));

        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && ByWireName.TryGetValue(reader.GetString()!, out var value) ? value : default;

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
            writer.WriteStringValue(WireName(value));
    }
}
