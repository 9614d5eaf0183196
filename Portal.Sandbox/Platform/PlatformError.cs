using System.Text.Json.Nodes;

namespace Portal.Sandbox.Platform;

// XP Z12-013's error shape: {errorCode*, errorMessage, type, details, instance}.
internal sealed class PlatformError(int status, string errorCode, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string ErrorCode { get; } = errorCode;

    public static PlatformError Unauthorized(string message) => new(401, "UNAUTHORIZED", message);

    public static PlatformError BadRequest(string code, string message) => new(400, code, message);

    public static PlatformError NotFound(string message) => new(404, "NOT_FOUND", message);

    public JsonObject ToJson(string instance) => new()
    {
        ["errorCode"] = ErrorCode,
        ["errorMessage"] = Message,
        ["type"] = Status >= 500 ? "TechnicalError" : "FunctionalError",
        ["instance"] = instance,
    };
}
