using System.Text.Json.Nodes;

namespace Portal.Sandbox.Stripe;

// Endpoints over objects created by payments: the account, charges, balance transactions, payment methods (read, detach).
internal static class StripeReads
{
    public static JsonNode Account(StripeCall call) => new JsonObject
    {
        ["id"] = call.Account.Id,
        ["object"] = "account",
        ["type"] = "standard",
        ["country"] = "GB",
        ["default_currency"] = "eur",
        ["email"] = "owner@sandbox.example.test",
        ["charges_enabled"] = true,
        ["payouts_enabled"] = true,
        ["details_submitted"] = true,
        ["business_profile"] = new JsonObject { ["name"] = "Sandbox account " + call.Account.Id[^4..], ["url"] = null },
        ["settings"] = new JsonObject
        {
            ["dashboard"] = new JsonObject { ["display_name"] = "Sandbox account " + call.Account.Id[^4..], ["timezone"] = "Etc/UTC" },
        },
        ["created"] = 1_700_000_000,
        ["livemode"] = false,
    };

    public static JsonNode Charge(StripeCall call, string id) => StripeJson.ToNode(call.Account.Get<StripeCharge>(id, "charge"));

    public static JsonNode BalanceTransaction(StripeCall call, string id) =>
        StripeJson.ToNode(call.Account.Get<StripeBalanceTransaction>(id, "balance transaction"));

    public static JsonNode PaymentMethod(StripeCall call, string id) =>
        StripeJson.ToNode(call.Account.Get<StripePaymentMethod>(id, "PaymentMethod"));

    public static JsonNode PaymentMethods(StripeCall call)
    {
        var methods = call.Account.NewestFirst<StripePaymentMethod>()
            .Where(m => m.Customer is not null)
            .Where(m => call.Form.Text("customer") is not { } customer || m.Customer == customer)
            .Where(m => call.Form.Text("type") is not { } type || m.Type == type)
            .ToList();
        return StripeJson.Page(methods, call.Form, "/v1/payment_methods");
    }

    // POST /v1/payment_methods/{id}/detach: the customer no longer has it, and it can never be charged again.
    public static JsonNode DetachPaymentMethod(StripeCall call, string id)
    {
        var method = call.Account.Get<StripePaymentMethod>(id, "PaymentMethod");
        if (method.Customer is null)
        {
            throw StripeApiError.InvalidRequest(
                "The payment method you provided is not attached to a customer so detachment is impossible.", "payment_method");
        }

        method.Customer = null;
        method.Detached = true;
        call.Action.Emit("payment_method.detached", method);
        return StripeJson.ToNode(method);
    }

    public static JsonNode Dispute(StripeCall call, string id) => StripeJson.ToNode(call.Account.Get<StripeDispute>(id, "dispute"));
}
