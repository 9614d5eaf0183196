using System.Text.Json.Nodes;

namespace Portal.Sandbox.PayPal;

// PayPal's error body {name, message, debug_id, details:[{field, value, location, issue, description}], links}.
internal sealed class PayPalApiError(int status, string name, string message, string? issue = null, string? description = null, string? field = null, string? value = null)
    : Exception(message)
{
    public int Status { get; } = status;

    public string Name { get; } = name;

    public JsonObject ToJson(string debugId)
    {
        var body = new JsonObject { ["name"] = Name, ["message"] = Message, ["debug_id"] = debugId };
        if (issue is not null)
        {
            body["details"] = new JsonArray(new JsonObject
            {
                ["field"] = field,
                ["value"] = value,
                ["location"] = field is null ? null : "body",
                ["issue"] = issue,
                ["description"] = description,
            });
        }

        body["links"] = new JsonArray(new JsonObject
        {
            ["href"] = $"https://developer.paypal.com/api/rest/reference/orders/v2/errors/#{(issue ?? Name).ToLowerInvariant()}",
            ["rel"] = "information_link",
            ["method"] = "GET",
        });
        return body;
    }

    public static PayPalApiError Unprocessable(string issue, string description) =>
        new(422, "UNPROCESSABLE_ENTITY", "The requested action could not be performed, semantically incorrect, or failed business validation.", issue, description);

    public static PayPalApiError Invalid(string field, string issue, string description, string? value = null) =>
        new(400, "INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates schema.", issue, description, field, value);

    public static PayPalApiError NotFound(string issue, string description) =>
        new(404, "RESOURCE_NOT_FOUND", "The specified resource does not exist.", issue, description);
}
