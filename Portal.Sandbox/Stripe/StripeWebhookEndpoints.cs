using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.Stripe;

internal static class StripeWebhookEndpoints
{
    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public static JsonNode Create(StripeCall call)
    {
        var url = call.Form.Required("url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            throw StripeApiError.InvalidRequest("Invalid URL: " + url, "url", "url_invalid");
        }

        var events = call.Form.List("enabled_events");
        if (events.Count == 0)
        {
            throw StripeApiError.ParameterMissing("enabled_events");
        }

        var endpoint = call.Account.Add(new StripeWebhookEndpoint
        {
            Id = SandboxIds.Stripe("we"),
            Created = call.Timestamp,
            Url = url,
            EnabledEvents = [.. events],
            Description = call.Form.Text("description"),
            Metadata = call.Form.Map("metadata"),
            Secret = NewSecret(),
        });

        // Like Stripe, the signing secret is shown once, in the create response.
        var node = StripeJson.ToNode(endpoint);
        node["secret"] = endpoint.Secret;
        return node;
    }

    public static JsonNode Get(StripeCall call, string id) =>
        StripeJson.ToNode(call.Account.Get<StripeWebhookEndpoint>(id, "webhook_endpoint"));

    public static JsonNode List(StripeCall call) =>
        StripeJson.Page(call.Account.NewestFirst<StripeWebhookEndpoint>(), call.Form, "/v1/webhook_endpoints");

    public static JsonNode Delete(StripeCall call, string id)
    {
        var endpoint = call.Account.Get<StripeWebhookEndpoint>(id, "webhook_endpoint");
        call.Account.Remove(endpoint);
        return new JsonObject { ["id"] = id, ["object"] = "webhook_endpoint", ["deleted"] = true };
    }
}
