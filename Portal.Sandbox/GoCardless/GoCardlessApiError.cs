using System.Text.Json.Nodes;

namespace Portal.Sandbox.GoCardless;

// GoCardless's error model: {"error":{type, code, message, documentation_url, request_id, errors:[…]}}.
internal sealed class GoCardlessApiError(int status, string type, string message, JsonArray errors) : Exception(message)
{
    public int Status { get; } = status;

    public static GoCardlessApiError InvalidApiUsage(int status, string reason, string message) =>
        new(status, "invalid_api_usage", message, [Reason(reason, message)]);

    public static GoCardlessApiError NotFound(string id) =>
        InvalidApiUsage(404, "resource_not_found", $"Resource not found: {id}");

    public static GoCardlessApiError Validation(string resource, string field, string message) =>
        new(422, "validation_failed", "Validation failed", [new JsonObject
        {
            ["field"] = field,
            ["message"] = message,
            ["request_pointer"] = $"/{resource}/{field.Replace('.', '/')}",
        }]);

    public static GoCardlessApiError InvalidState(string reason, string message, JsonObject? links = null, int status = 422)
    {
        var error = Reason(reason, message);
        if (links is not null)
        {
            error["links"] = links;
        }

        return new GoCardlessApiError(status, "invalid_state", message, [error]);
    }

    public JsonObject ToJson(string requestId) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = Message,
            ["documentation_url"] = "https://developer.gocardless.com/api-reference#" + ((errors.FirstOrDefault()?["reason"] ?? errors.FirstOrDefault()?["field"])?.GetValue<string>() ?? type),
            ["type"] = type,
            ["request_id"] = requestId,
            ["errors"] = errors.DeepClone(),
            ["code"] = Status,
        },
    };

    private static JsonObject Reason(string reason, string message) => new() { ["reason"] = reason, ["message"] = message };
}
