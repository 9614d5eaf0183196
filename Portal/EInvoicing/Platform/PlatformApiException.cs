using System.Net;
using System.Text.Json;

namespace Portal.EInvoicing.Platform;

// Every refusal or failure of the platform as one type: the HTTP status and the platform's {errorCode, errorMessage}.
public sealed class PlatformApiException(HttpStatusCode status, string errorCode, string errorMessage)
    : Exception($"Platform {(int)status} {errorCode}: {errorMessage}")
{
    public HttpStatusCode Status { get; } = status;

    public string ErrorCode { get; } = errorCode;

    public string ErrorMessage { get; } = errorMessage;

    public bool IsTransient => Status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)Status >= 500;

    public bool IsAuthentication => Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;

    // Enough of an unexpected body (a proxy's HTML page) to recognise it in a log, not the whole page.
    private const int MaxExcerpt = 200;

    internal static PlatformApiException FromResponse(HttpStatusCode status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errorCode", out var code))
            {
                var message = root.TryGetProperty("errorMessage", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : status.ToString();
                return new PlatformApiException(status, code.ToString(), message);
            }

            // OAuth2 token endpoint errors (RFC 6749 §5.2): {error, error_description}.
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var oauth) && oauth.ValueKind == JsonValueKind.String)
            {
                var description = root.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : oauth.GetString()!;
                return new PlatformApiException(status, oauth.GetString()!, description);
            }
        }
        catch (JsonException)
        {
            // Not JSON: described by its first words below.
        }

        var excerpt = string.Join(' ', body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return new PlatformApiException(status, ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture),
            excerpt.Length == 0 ? "no error body" : excerpt.Length <= MaxExcerpt ? excerpt : excerpt[..MaxExcerpt] + "…");
    }
}
