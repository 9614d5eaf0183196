using System.Net;
using System.Text.Json;

namespace Portal.Providers.PayPal.Api;

// One entry of PayPal's error details: the issue code (ORDER_NOT_APPROVED, REFUND_AMOUNT_EXCEEDED, …) is what to act on.
public sealed record PayPalErrorDetail(string? Field, string? Value, string? Location, string? Issue, string? Description);

// PayPal's error {name, message, debug_id, details:[…]} (or the OAuth2 {error, error_description}) as an exception.
public sealed class PayPalApiException : Exception
{
    // Enough of an unexpected body (a proxy's HTML page) to recognise it in a log, not the whole page.
    private const int MaxExcerpt = 200;

    public PayPalApiException(HttpStatusCode status, string name, string apiMessage, string? debugId, IReadOnlyList<PayPalErrorDetail> details)
        : base(Describe(status, name, apiMessage, debugId, details))
    {
        Status = status;
        Name = name;
        ApiMessage = apiMessage;
        DebugId = debugId;
        Details = details;
    }

    public HttpStatusCode Status { get; }

    // UNPROCESSABLE_ENTITY, RESOURCE_NOT_FOUND, INVALID_REQUEST, AUTHENTICATION_FAILURE, or OAuth2's invalid_client.
    public string Name { get; }

    public string ApiMessage { get; }

    // Quote it to PayPal's support to find the request in their logs.
    public string? DebugId { get; }

    public IReadOnlyList<PayPalErrorDetail> Details { get; }

    public IEnumerable<string> Issues => Details.Select(d => d.Issue).OfType<string>();

    public bool HasIssue(string issue) => Issues.Contains(issue, StringComparer.Ordinal);

    public bool IsAuthentication => Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || Name == "invalid_client";

    public bool IsTransient => Status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)Status >= 500;

    internal static PayPalApiException FromResponse(HttpStatusCode status, string body, string? debugIdHeader)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && Text(root, "name") is { } name)
            {
                var details = root.TryGetProperty("details", out var list) && list.ValueKind == JsonValueKind.Array
                    ? list.EnumerateArray().Select(d => new PayPalErrorDetail(Text(d, "field"), Text(d, "value"), Text(d, "location"), Text(d, "issue"), Text(d, "description"))).ToList()
                    : [];
                return new PayPalApiException(status, name, Text(root, "message") ?? status.ToString(), Text(root, "debug_id") ?? debugIdHeader, details);
            }

            // The token endpoint answers as OAuth2 does (RFC 6749 §5.2).
            if (root.ValueKind == JsonValueKind.Object && Text(root, "error") is { } oauth)
                return new PayPalApiException(status, oauth, Text(root, "error_description") ?? oauth, debugIdHeader, []);
        }
        catch (JsonException)
        {
            // Not JSON: described by its first words below.
        }

        var excerpt = string.Join(' ', body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return new PayPalApiException(status, ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture),
            excerpt.Length == 0 ? "no error body" : excerpt.Length <= MaxExcerpt ? excerpt : excerpt[..MaxExcerpt] + "…", debugIdHeader, []);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Describe(HttpStatusCode status, string name, string message, string? debugId, IReadOnlyList<PayPalErrorDetail> details)
    {
        var issues = details.Select(d => d.Description is null ? d.Issue : $"{d.Issue}: {d.Description}").OfType<string>().ToList();
        var text = $"PayPal {(int)status} {name}: {message}";
        if (issues.Count > 0)
            text += $" ({string.Join("; ", issues)})";
        return debugId is null ? text : $"{text} [debug_id {debugId}]";
    }
}
