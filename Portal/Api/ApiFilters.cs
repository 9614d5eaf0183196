using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;

namespace Portal.Api;

/// <summary>Turns the refusals the services throw into problem details, the same refusals the pages show as messages.</summary>
internal sealed class ApiErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (NotFoundException ex)
        {
            return ApiProblems.Create(StatusCodes.Status404NotFound, "not_found", "No such resource.", ex.Message);
        }
        catch (DomainException ex)
        {
            return ApiProblems.BusinessRule(ex.Message);
        }
        catch (Portal.Ledger.IdempotencyKeyReusedException)
        {
            return ApiProblems.Conflict("idempotency_key_reused", "This Idempotency-Key was already used for a different request; nothing was changed.");
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiProblems.Conflict("changed_meanwhile", "Someone changed this resource at the same time; read it again and retry.");
        }
    }
}

/// <summary>What the audit log calls the resource a write endpoint changes ("Client", "Invoice"…).</summary>
public sealed record ApiAuditSubject(string Type);

/// <summary>
/// <c>Idempotency-Key</c> on every POST: the first answer is kept 24 hours and replayed to a retry with the same
/// method, path and body; the same key with anything else is 409. A successful write is audited under the key's name
/// in the same save that keeps the answer.
/// </summary>
internal sealed class ApiIdempotencyFilter : IEndpointFilter
{
    public const string Header = "Idempotency-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsPost(http.Request.Method))
            return await next(context);
        var key = http.Request.Headers[Header].ToString().Trim();
        if (key.Length is 0 or > ApiIdempotencyRecord.MaxKeyLength)
            return ApiProblems.Validation(new ApiFieldError(Header, key.Length == 0 ? "required" : "too_long",
                $"Every POST needs an {Header} header of 1 to {ApiIdempotencyRecord.MaxKeyLength} characters (a UUID is a good choice)."));

        var hash = await RequestHashAsync(http);
        var dbFactory = http.RequestServices.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        await using var db = await dbFactory.CreateDbContextAsync(http.RequestAborted);
        var firmId = db.Tenant.FirmId ?? throw new InvalidOperationException("API writes run for a firm.");
        var now = clock.GetUtcNow();

        var earlier = await db.ApiIdempotencyRecords.SingleOrDefaultAsync(r => r.Key == key, http.RequestAborted);
        if (earlier is not null && earlier.HasExpiredAt(now))
        {
            db.ApiIdempotencyRecords.Remove(earlier);
            earlier = null;
        }
        if (earlier is not null)
            return Replay(earlier, hash);

        var record = new ApiIdempotencyRecord(firmId, key, hash, now);
        db.ApiIdempotencyRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(http.RequestAborted);
        }
        catch (DbUpdateException)
        {
            // Another request with this key got in first.
            db.ChangeTracker.Clear();
            var first = await db.ApiIdempotencyRecords.AsNoTracking().SingleAsync(r => r.Key == key, http.RequestAborted);
            return Replay(first, hash);
        }

        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            var result = await next(context);
            if (result is IResult answer)
                await answer.ExecuteAsync(http);
        }
        catch
        {
            db.ApiIdempotencyRecords.Remove(record);
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            http.Response.Body = original;
        }

        var status = http.Response.StatusCode;
        var body = Encoding.UTF8.GetString(buffer.ToArray());
        // A server fault is not an answer worth replaying, nor is a failed If-Match (nothing ran): the retry, after
        // reading the resource again, runs again under the same key.
        if (status >= 500 || status == StatusCodes.Status412PreconditionFailed)
            db.ApiIdempotencyRecords.Remove(record);
        else
            record.Complete(status, body, http.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null);
        if (status is >= 200 and < 300)
            Audit(http, db, body);
        await db.SaveChangesAsync(CancellationToken.None);

        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
        return Results.Empty;
    }

    private static IResult Replay(ApiIdempotencyRecord earlier, byte[] hash)
    {
        if (!CryptographicOperations.FixedTimeEquals(earlier.RequestHash, hash))
            return ApiProblems.Conflict("idempotency_key_reused", $"This {Header} was used for a different request in the last 24 hours; use a new key for a new request.");
        if (!earlier.IsComplete)
            return ApiProblems.Conflict("idempotency_request_in_progress", $"A request with this {Header} is still running; retry in a moment.");
        return new ReplayedAnswer(earlier);
    }

    private static void Audit(HttpContext http, PortalDbContext db, string body)
    {
        var subject = http.GetEndpoint()?.Metadata.GetMetadata<ApiAuditSubject>()?.Type ?? "Api";
        var subjectId = Guid.Empty;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("id", out var id) && id.TryGetGuid(out var parsed))
                subjectId = parsed;
        }
        catch (JsonException)
        {
        }
        var keyName = http.User.FindFirstValue(Portal.Tenancy.PortalClaims.DisplayName);
        http.RequestServices.GetRequiredService<AuditRecorder>()
            .Record(db, $"API {http.Request.Method} {http.Request.Path}", subject, subjectId, null, $"{http.Response.StatusCode} by {keyName}");
    }

    private static async Task<byte[]> RequestHashAsync(HttpContext http)
    {
        http.Request.EnableBuffering();
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hasher.AppendData(Encoding.UTF8.GetBytes($"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}\n"));
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            hasher.AppendData(chunk, 0, read);
        http.Request.Body.Position = 0;
        return hasher.GetHashAndReset();
    }

    private sealed class ReplayedAnswer(ApiIdempotencyRecord earlier) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = earlier.StatusCode;
            httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            if (earlier.Location is { } location)
                httpContext.Response.Headers.Location = location;
            httpContext.Response.ContentType = earlier.StatusCode >= 400 ? ApiProblems.ContentType : "application/json; charset=utf-8";
            await httpContext.Response.WriteAsync(earlier.ResponseBody ?? "", httpContext.RequestAborted);
        }
    }
}
