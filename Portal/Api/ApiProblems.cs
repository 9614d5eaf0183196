namespace Portal.Api;

/// <summary>One invalid field of a request: its snake_case name, a stable code and a sentence for the developer.</summary>
public sealed record ApiFieldError(string Field, string Code, string Message);

/// <summary>A problem details answer (RFC 9457) with a stable <c>code</c> programs can branch on.</summary>
public sealed record ApiProblem(string Type, string Title, int Status, string Code, string? Detail, IReadOnlyList<ApiFieldError>? Errors);

/// <summary>The API's error answers. Codes are part of the contract: add new ones, never rename one.</summary>
public static class ApiProblems
{
    public const string ContentType = "application/problem+json";

    public static IResult Create(int status, string code, string title, string? detail = null, IReadOnlyList<ApiFieldError>? errors = null) =>
        TypedResults.Json(new ApiProblem($"urn:portal:api:error:{code}", title, status, code, detail, errors), ApiJson.Options, ContentType, status);

    public static IResult Validation(params ApiFieldError[] errors) =>
        Create(StatusCodes.Status400BadRequest, "validation_failed", "The request has invalid fields.", string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}")), errors);

    public static IResult BadRequest(string code, string detail) => Create(StatusCodes.Status400BadRequest, code, "The request is not valid.", detail);

    public static IResult NotFound(string what) => Create(StatusCodes.Status404NotFound, "not_found", "No such resource.", $"No such {what}.");

    public static IResult BusinessRule(string detail) => Create(StatusCodes.Status422UnprocessableEntity, "business_rule_violated", "The request breaks a business rule.", detail);

    public static IResult Conflict(string code, string detail) => Create(StatusCodes.Status409Conflict, code, "The request conflicts with an earlier one.", detail);

    public static Task WriteAsync(HttpContext http, int status, string code, string title, string? detail) =>
        Create(status, code, title, detail).ExecuteAsync(http);
}
