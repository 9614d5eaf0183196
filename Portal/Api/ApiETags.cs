using System.Security.Cryptography;
using System.Text.Json;

namespace Portal.Api;

/// <summary>
/// Strong ETags for single resources, and <c>If-Match</c> on the changes made to them. The tag is a hash of the JSON the
/// API returns, so it moves whenever anything a caller can see moves (a payment changes an invoice's amount due) and
/// works for resources without a row version. A change with an <c>If-Match</c> that names none of the current tags
/// is 412 and changes nothing; without <c>If-Match</c> it proceeds, as it always has. A read with an
/// <c>If-None-Match</c> naming the current tag is 304 with no body, so a caller that polls pays only for changes.
/// </summary>
public static class ApiETags
{
    public const string ETagHeader = "ETag";
    public const string IfMatchHeader = "If-Match";
    public const string IfNoneMatchHeader = "If-None-Match";

    public static string Of<T>(T representation) =>
        $"\"{Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(representation, ApiJson.Options)).AsSpan(0, 16))}\"";

    /// <summary>200 with the resource and its ETag.</summary>
    public static IResult Ok<T>(T representation) => new TaggedJson<T>(representation, Of(representation));

    /// <summary>
    /// Null when the change may go ahead: no <c>If-Match</c>, <c>*</c>, or one of its tags is the current one (strong
    /// comparison: a weak <c>W/"…"</c> tag never matches). Otherwise the 412 to answer.
    /// </summary>
    public static IResult? Precondition<T>(HttpRequest request, T current)
    {
        var ifMatch = request.Headers.IfMatch;
        if (ifMatch.Count == 0)
            return null;
        var tag = Of(current);
        foreach (var value in ifMatch)
            foreach (var candidate in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (candidate == "*" || candidate == tag)
                    return null;
        return ApiProblems.Create(StatusCodes.Status412PreconditionFailed, "precondition_failed", "The resource changed since you read it.",
            $"If-Match does not name the current ETag {tag}: someone changed it since you read it. Nothing was changed; read it again and retry.");
    }

    /// <summary>
    /// True when a read's <c>If-None-Match</c> names <paramref name="tag"/> or is <c>*</c>. Weak comparison, as RFC 9110
    /// §13.1.2 asks for this header: <c>W/"x"</c> names <c>"x"</c>.
    /// </summary>
    public static bool NotModified(HttpRequest request, string tag)
    {
        foreach (var value in request.Headers.IfNoneMatch)
            foreach (var candidate in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (candidate == "*" || (candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate) == tag)
                    return true;
        return false;
    }

    private sealed class TaggedJson<T>(T body, string tag) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ETag = tag;
            // Only a read can be "not modified"; a change answers with what it did whatever the caller held.
            if ((HttpMethods.IsGet(httpContext.Request.Method) || HttpMethods.IsHead(httpContext.Request.Method)) && NotModified(httpContext.Request, tag))
            {
                httpContext.Response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }
            return ApiJson.Ok(body).ExecuteAsync(httpContext);
        }
    }
}

/// <summary>Marks an endpoint whose success answer carries an <c>ETag</c>, for the OpenAPI document.</summary>
public sealed record ApiETagged;

/// <summary>Marks an endpoint that honours <c>If-Match</c>, for the OpenAPI document.</summary>
public sealed record ApiHonoursIfMatch;

public static class ApiETagMetadata
{
    public static RouteHandlerBuilder ReturnsETag(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(new ApiETagged());

    public static RouteHandlerBuilder HonoursIfMatch(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(new ApiHonoursIfMatch()).Fails(StatusCodes.Status412PreconditionFailed);
}
