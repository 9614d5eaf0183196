using System.Text.Json.Nodes;

namespace Portal.Sandbox.Stripe;

// Thrown by handlers; the pipeline turns it into Stripe's {"error":{…}} body, which Stripe.net maps to StripeException.
internal sealed class StripeApiError(int status, string type, string message, string? code = null, string? param = null, string? declineCode = null)
    : Exception(message)
{
    public int Status { get; } = status;

    public JsonNode? PaymentIntent { get; init; }

    public static StripeApiError InvalidRequest(string message, string? param = null, string? code = null) =>
        new(400, "invalid_request_error", message, code, param);

    public static StripeApiError ParameterMissing(string param) =>
        new(400, "invalid_request_error", $"Missing required param: {param}.", "parameter_missing", param);

    public static StripeApiError NotFound(string objectName, string id, string param = "id") =>
        new(404, "invalid_request_error", $"No such {objectName}: '{id}'", "resource_missing", param);

    public static StripeApiError MissingReference(string objectName, string id, string param) =>
        new(400, "invalid_request_error", $"No such {objectName}: '{id}'", "resource_missing", param);

    public static StripeApiError NotFoundRoute(string method, string path) =>
        new(404, "invalid_request_error", $"Unrecognized request URL ({method}: {path}). The Portal sandbox does not emulate this endpoint.");

    public static StripeApiError Unauthorized(string message) => new(401, "invalid_request_error", message);

    public static StripeApiError CardDeclined(string code, string declineCode, string message, JsonNode paymentIntent) =>
        new(402, "card_error", message, code, "payment_method", declineCode) { PaymentIntent = paymentIntent };

    public JsonObject ToJson() => new()
    {
        ["error"] = new JsonObject
        {
            ["type"] = type,
            ["code"] = code,
            ["decline_code"] = declineCode,
            ["message"] = Message,
            ["param"] = param,
            ["payment_intent"] = PaymentIntent?.DeepClone(),
        },
    };
}
