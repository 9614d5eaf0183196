using Portal.Domain;

namespace Portal.Api;

/// <summary>
/// The first answer to a POST made with an <c>Idempotency-Key</c>, kept 24 hours so a client that retries (a timeout,
/// a dropped connection) gets the same answer instead of a second invoice or payment. Written before the request runs,
/// with no answer yet, so a concurrent retry is told the first one is still running rather than running twice.
/// </summary>
public sealed class ApiIdempotencyRecord : ITenantOwned
{
    public const int MaxKeyLength = 200;
    public static readonly TimeSpan KeptFor = TimeSpan.FromHours(24);

    private ApiIdempotencyRecord() { }

    public ApiIdempotencyRecord(Guid firmId, string key, byte[] requestHash, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        Key = key;
        RequestHash = requestHash;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public string Key { get; private set; } = "";
    /// <summary>SHA-256 of the method, path and body: the same key with anything else is a mistake, answered 409.</summary>
    public byte[] RequestHash { get; private set; } = [];
    /// <summary>Zero while the first request is still running.</summary>
    public int StatusCode { get; private set; }
    public string? ResponseBody { get; private set; }
    public string? Location { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public bool IsComplete => StatusCode != 0;

    public bool HasExpiredAt(DateTimeOffset now) => now - CreatedAt >= KeptFor;

    public void Complete(int statusCode, string body, string? location)
    {
        StatusCode = statusCode;
        ResponseBody = body;
        Location = location;
    }
}
