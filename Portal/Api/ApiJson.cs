using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Domain;

namespace Portal.Api;

/// <summary>
/// How the API speaks JSON: snake_case names, enums as snake_case strings, no nulls left out. Kept apart from the
/// app's default JSON options so the API's contract does not move when another endpoint changes them.
/// </summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    public static IResult Ok<T>(T body) => TypedResults.Json(body, Options);

    public static IResult Created<T>(string location, T body) => new CreatedJson<T>(location, body);

    /// <summary>Reads a request body; a body that is not JSON of the expected shape is a 400 naming what is wrong.</summary>
    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        if (!request.HasJsonContentType())
            return (null, ApiProblems.BadRequest("unsupported_media_type", "The request body must be JSON (Content-Type: application/json)."));
        try
        {
            var body = await request.ReadFromJsonAsync<T>(Options, cancellationToken);
            return body is null ? (null, ApiProblems.BadRequest("invalid_json", "The request body is empty.")) : (body, null);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
            return (null, ApiProblems.Validation(new ApiFieldError(field ?? "body", "invalid_json", "This value is not valid JSON of the expected type.")));
        }
    }

    private sealed class CreatedJson<T>(string location, T body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return TypedResults.Json(body, Options, statusCode: StatusCodes.Status201Created).ExecuteAsync(httpContext);
        }
    }
}

/// <summary>An amount as the API shows it: minor units and the currency, never a decimal.</summary>
public sealed record ApiMoney(long AmountMinor, string Currency)
{
    public static ApiMoney From(Money money) => new(money.Minor, money.Currency.Code);
}

/// <summary>A page of a list: <c>has_more</c> says whether asking again with <c>starting_after</c> = the last id gives more.</summary>
public sealed record ApiList<T>(IReadOnlyList<T> Data, bool HasMore)
{
    public string Object => "list";
}

/// <summary>An enum value as the API writes it (<c>partially_paid</c>), for reading filters in the same words.</summary>
public static class ApiEnum
{
    public static string Name<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
