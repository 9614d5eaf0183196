using System.Net;
using System.Text.Json;

namespace Portal.GoCardless;

public enum GoCardlessErrorKind
{
    Unknown,

    // 422 with field errors: the request can be fixed by the caller (bad charge_date, too many metadata keys).
    ValidationFailed,

    // The resource is in a state that forbids the action (cancelling a submitted payment, a reused idempotency key).
    InvalidState,

    // The request itself is wrong: unknown path or resource, bad JSON, missing version header.
    InvalidApiUsage,

    // 401/403: the access token is wrong, revoked or lacks the permission.
    Authentication,

    // 429: retry after RateLimit-Reset.
    RateLimited,

    // 5xx, type "gocardless": GoCardless's own failure; safe to retry only with an idempotency key.
    GoCardlessError,
}

// One entry of error.errors: either a field error (field, request_pointer) or a reason (reason, links).
public sealed record GoCardlessErrorDetail(
    string? Field,
    string? Message,
    string? RequestPointer,
    string? Reason,
    IReadOnlyDictionary<string, string>? Links);

// GoCardless's error envelope {"error":{type, code, message, documentation_url, request_id, errors:[…]}} as an exception.
public sealed class GoCardlessApiException : Exception
{
    public GoCardlessApiException(HttpStatusCode status, string type, string message, string? requestId, string? documentationUrl, IReadOnlyList<GoCardlessErrorDetail> errors)
        : base(Describe(status, message, errors))
    {
        Status = status;
        Type = type;
        ApiMessage = message;
        RequestId = requestId;
        DocumentationUrl = documentationUrl;
        Errors = errors;
        Kind = KindOf(status, type);
    }

    public HttpStatusCode Status { get; }

    public GoCardlessErrorKind Kind { get; }

    // validation_failed, invalid_state, invalid_api_usage or gocardless.
    public string Type { get; }

    public string ApiMessage { get; }

    // Quote it to GoCardless support to find the request in their logs.
    public string? RequestId { get; }

    public string? DocumentationUrl { get; }

    public IReadOnlyList<GoCardlessErrorDetail> Errors { get; }

    public IEnumerable<string> Reasons => Errors.Select(e => e.Reason).OfType<string>();

    // A reused Idempotency-Key is answered 409 invalid_state with the id of what the first request created.
    public string? ConflictingResourceId => Errors
        .Where(e => e.Reason == "idempotent_creation_conflict")
        .Select(e => e.Links?.GetValueOrDefault("conflicting_resource_id"))
        .FirstOrDefault(id => !string.IsNullOrEmpty(id));

    public bool IsTransient => Kind is GoCardlessErrorKind.RateLimited or GoCardlessErrorKind.GoCardlessError;

    internal static GoCardlessApiException FromResponse(HttpStatusCode status, string body, string? requestIdHeader)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var wire = error.Deserialize<WireError>(GoCardlessJson.Options)!;
                return new GoCardlessApiException(
                    status,
                    wire.Type ?? "",
                    wire.Message ?? status.ToString(),
                    wire.RequestId ?? requestIdHeader,
                    wire.DocumentationUrl,
                    wire.Errors?.Select(e => new GoCardlessErrorDetail(e.Field, e.Message, e.RequestPointer, e.Reason, e.Links)).ToList() ?? []);
            }

            // {"error": "bank_authorisation_expired"}: no envelope, but what GoCardless said is the whole answer.
            if (document.RootElement.TryGetProperty("error", out var bare) && bare.ValueKind == JsonValueKind.String && bare.GetString() is { Length: > 0 } said)
                return Unenveloped(status, said, requestIdHeader);
        }
        catch (JsonException)
        {
            // Not JSON at all (a proxy's HTML page, a plain-text 502): described by its first words below.
        }

        var excerpt = string.Join(' ', body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return excerpt.Length == 0
            ? Unenveloped(status, "no error body", requestIdHeader)
            : Unenveloped(status, excerpt.Length <= MaxExcerpt ? excerpt : excerpt[..MaxExcerpt] + "…", requestIdHeader);
    }

    // Enough of an unexpected body to recognise it in a log, not a whole HTML page.
    private const int MaxExcerpt = 200;

    private static GoCardlessApiException Unenveloped(HttpStatusCode status, string said, string? requestIdHeader) =>
        new(status, (int)status >= 500 ? "gocardless" : "", said, requestIdHeader, null, []);

    private static GoCardlessErrorKind KindOf(HttpStatusCode status, string type) => (status, type) switch
    {
        (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, _) => GoCardlessErrorKind.Authentication,
        (HttpStatusCode.TooManyRequests, _) => GoCardlessErrorKind.RateLimited,
        (_, "validation_failed") => GoCardlessErrorKind.ValidationFailed,
        (_, "invalid_state") => GoCardlessErrorKind.InvalidState,
        (_, "invalid_api_usage") => GoCardlessErrorKind.InvalidApiUsage,
        (_, "gocardless") => GoCardlessErrorKind.GoCardlessError,
        _ when (int)status >= 500 => GoCardlessErrorKind.GoCardlessError,
        _ => GoCardlessErrorKind.Unknown,
    };

    private static string Describe(HttpStatusCode status, string message, IReadOnlyList<GoCardlessErrorDetail> errors)
    {
        var details = errors.Select(e => e.Field is not null ? $"{e.Field} {e.Message}" : $"{e.Reason}: {e.Message}").ToList();
        return details.Count == 0 ? $"GoCardless {(int)status}: {message}" : $"GoCardless {(int)status}: {message} ({string.Join("; ", details)})";
    }

    private sealed record WireError(string? Type, string? Message, string? DocumentationUrl, string? RequestId, List<WireErrorDetail>? Errors);

    private sealed record WireErrorDetail(string? Field, string? Message, string? RequestPointer, string? Reason, Dictionary<string, string>? Links);
}
