using System.Text.Json.Nodes;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.Stripe;

// /v1/checkout/sessions: hosted Checkout in mode=payment with price_data line items.
internal static class StripeCheckoutSessions
{
    private static readonly TimeSpan MinimumLifetime = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan MaximumLifetime = TimeSpan.FromHours(24);

    public static JsonNode Create(StripeCall call)
    {
        var form = call.Form;
        if (form.Has("payment_method_types"))
        {
            // Removed in the endive release train; Stripe now answers with this dedicated code.
            throw StripeApiError.InvalidRequest(
                "The parameter `payment_method_types` is no longer supported. Use dynamic payment methods, or `allowed_payment_method_types` / `excluded_payment_method_types`.",
                "payment_method_types",
                "payment_method_types_no_longer_supported");
        }

        var mode = form.Required("mode");
        if (mode != "payment")
        {
            throw StripeApiError.InvalidRequest($"The sandbox supports only mode=payment (got '{mode}').", "mode");
        }

        var lineItems = ParseLineItems(form);
        var currencies = lineItems.Select(i => i.Currency).Distinct().ToList();
        if (currencies.Count > 1)
        {
            throw StripeApiError.InvalidRequest("All line items must use the same currency.", "line_items");
        }

        var customer = form.Text("customer");
        var customerEmail = form.Text("customer_email");
        if (customer is not null && customerEmail is not null)
        {
            throw StripeApiError.InvalidRequest("You may only specify one of these parameters: customer, customer_email.", "customer_email");
        }

        if (customer is not null && call.Account.Find<StripeCustomer>(customer) is null)
        {
            throw StripeApiError.MissingReference("customer", customer, "customer");
        }

        var expiresAt = form.Long("expires_at") ?? (call.Now + MaximumLifetime).ToUnixTimeSeconds();
        var lifetime = DateTimeOffset.FromUnixTimeSeconds(expiresAt) - call.Now;
        if (lifetime < MinimumLifetime - TimeSpan.FromSeconds(5) || lifetime > MaximumLifetime + TimeSpan.FromSeconds(5))
        {
            throw StripeApiError.InvalidRequest("The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.", "expires_at");
        }

        var id = SandboxIds.Stripe("cs_test", 58);
        var total = lineItems.Sum(i => i.Amount);
        var session = call.Account.Add(new StripeCheckoutSession
        {
            Id = id,
            Created = call.Timestamp,
            Currency = currencies[0],
            AmountSubtotal = total,
            AmountTotal = total,
            SuccessUrl = form.Text("success_url"),
            CancelUrl = form.Text("cancel_url"),
            ClientReferenceId = form.Text("client_reference_id"),
            Customer = customer,
            CustomerEmail = customerEmail,
            Metadata = form.Map("metadata"),
            ExpiresAt = expiresAt,
            HostedUrl = $"{call.BaseUrl}/sandbox/stripe/pay/{id}",
            LineItems = lineItems,
            PaymentIntentMetadata = form.Map("payment_intent_data[metadata]"),
            PaymentIntentDescription = form.Text("payment_intent_data[description]"),
            SetupFutureUsage = form.Text("payment_intent_data[setup_future_usage]"),
        });
        return StripeJson.ToNode(session);
    }

    public static JsonNode Get(StripeCall call, string id) =>
        StripeJson.ToNode(call.Account.Get<StripeCheckoutSession>(id, "checkout.session"));

    public static JsonNode List(StripeCall call)
    {
        var form = call.Form;
        var sessions = call.Account.NewestFirst<StripeCheckoutSession>()
            .Where(s => form.Text("status") is not { } status || s.Status == status)
            .Where(s => form.Text("customer") is not { } customer || s.Customer == customer)
            .Where(s => form.Text("payment_intent") is not { } intent || s.PaymentIntent == intent)
            .ToList();
        return StripeJson.Page(sessions, form, "/v1/checkout/sessions");
    }

    public static JsonNode Expire(StripeCall call, string id)
    {
        var session = call.Account.Get<StripeCheckoutSession>(id, "checkout.session");
        if (session.Status != "open")
        {
            throw StripeApiError.InvalidRequest(
                $"Only Checkout Sessions with a status in [\"open\"] can be expired. This session has status '{session.Status}'.");
        }

        StripeCheckoutOutcomes.Expire(call.Action, session);
        return StripeJson.ToNode(session);
    }

    public static JsonNode LineItemsList(StripeCheckoutSession session) =>
        StripeJson.List(
            $"/v1/checkout/sessions/{session.Id}/line_items",
            session.LineItems.Select((item, index) => (JsonNode)new JsonObject
            {
                ["id"] = $"li_{session.Id[8..20]}{index}",
                ["object"] = "item",
                ["amount_subtotal"] = item.Amount,
                ["amount_total"] = item.Amount,
                ["currency"] = item.Currency,
                ["description"] = item.Description,
                ["quantity"] = item.Quantity,
                ["price"] = new JsonObject
                {
                    ["id"] = $"price_{session.Id[8..20]}{index}",
                    ["object"] = "price",
                    ["currency"] = item.Currency,
                    ["unit_amount"] = item.UnitAmount,
                    ["type"] = "one_time",
                    ["product"] = $"prod_{session.Id[8..20]}{index}",
                },
            }),
            hasMore: false);

    private static List<StripeLineItem> ParseLineItems(StripeForm form)
    {
        var indexes = form.Indexes("line_items");
        if (indexes.Count == 0)
        {
            throw StripeApiError.ParameterMissing("line_items");
        }

        return indexes.Select(i =>
        {
            var prefix = $"line_items[{i}]";
            if (form.Text($"{prefix}[price]") is { } price)
            {
                throw StripeApiError.MissingReference("price", price, $"{prefix}[price]");
            }

            var currency = form.Required($"{prefix}[price_data][currency]").ToLowerInvariant();
            var unitAmount = form.Long($"{prefix}[price_data][unit_amount]") ?? throw StripeApiError.ParameterMissing($"{prefix}[price_data][unit_amount]");
            var name = form.Required($"{prefix}[price_data][product_data][name]");
            var quantity = form.Long($"{prefix}[quantity]") ?? throw StripeApiError.ParameterMissing($"{prefix}[quantity]");
            if (unitAmount < 0 || quantity < 1)
            {
                throw StripeApiError.InvalidRequest("Line item amounts must be positive.", $"{prefix}[price_data][unit_amount]");
            }

            return new StripeLineItem(name, unitAmount, quantity, currency);
        }).ToList();
    }
}
