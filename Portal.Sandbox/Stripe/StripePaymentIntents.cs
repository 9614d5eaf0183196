using System.Text.Json.Nodes;

namespace Portal.Sandbox.Stripe;

// /v1/payment_intents: used directly only for off-session charges of a saved payment method.
internal static class StripePaymentIntents
{
    public static JsonNode Create(StripeCall call)
    {
        var form = call.Form;
        if (form.Has("payment_method_types"))
        {
            throw StripeApiError.InvalidRequest(
                "The parameter `payment_method_types` is no longer supported. Use dynamic payment methods instead.",
                "payment_method_types",
                "payment_method_types_no_longer_supported");
        }

        var amount = form.Long("amount") ?? throw StripeApiError.ParameterMissing("amount");
        if (amount < 1)
        {
            throw StripeApiError.InvalidRequest("Amount must be at least 1.", "amount", "amount_too_small");
        }

        var currency = form.Required("currency").ToLowerInvariant();
        var customer = form.Text("customer");
        if (customer is not null && call.Account.Find<StripeCustomer>(customer) is null)
        {
            throw StripeApiError.MissingReference("customer", customer, "customer");
        }

        var method = ResolvePaymentMethod(call, form.Text("payment_method"), customer);
        var confirm = form.Bool("confirm");
        if (confirm && method is null)
        {
            throw StripeApiError.InvalidRequest(
                "You cannot confirm this PaymentIntent because it's missing a payment method.", "payment_method", "payment_intent_unexpected_state");
        }

        var action = call.Action;
        var intent = StripePayments.CreateIntent(
            action, amount, currency, customer, form.Map("metadata"), form.Text("description"), form.Text("setup_future_usage"));
        if (method is null)
        {
            return StripeJson.ToNode(intent);
        }

        intent.PaymentMethod = method.Id;
        if (!confirm)
        {
            intent.Status = "requires_confirmation";
            return StripeJson.ToNode(intent);
        }

        StripePayments.ChargeCard(action, intent, method);
        if (intent.Status != "succeeded")
        {
            var error = intent.LastPaymentError!;
            throw StripeApiError.CardDeclined(
                error["code"]!.GetValue<string>(), error["decline_code"]!.GetValue<string>(), error["message"]!.GetValue<string>(), StripeJson.ToNode(intent));
        }

        return StripeJson.ToNode(intent);
    }

    public static JsonNode Get(StripeCall call, string id) =>
        StripeJson.ToNode(call.Account.Get<StripePaymentIntent>(id, "payment_intent"));

    private static StripePaymentMethod? ResolvePaymentMethod(StripeCall call, string? id, string? customer)
    {
        if (id is null)
        {
            return null;
        }

        if (StripeTestCards.FromMagicId(call.Action, id) is { } testCard)
        {
            return testCard;
        }

        var method = call.Account.Find<StripePaymentMethod>(id) ?? throw StripeApiError.MissingReference("PaymentMethod", id, "payment_method");
        if (method.Detached)
        {
            throw StripeApiError.InvalidRequest(
                $"The provided PaymentMethod {id} was detached from a Customer. It may not be used again.", "payment_method");
        }

        if (method.Customer is not null && customer is not null && method.Customer != customer)
        {
            throw StripeApiError.InvalidRequest(
                $"The provided PaymentMethod {id} does not belong to the Customer {customer}.", "payment_method");
        }

        if (method.Customer is not null && customer is null)
        {
            throw StripeApiError.InvalidRequest(
                $"The provided PaymentMethod {id} was previously attached to a Customer; pass that customer to use it.", "customer");
        }

        return method;
    }
}
