using Portal.Sandbox.Common;

namespace Portal.Sandbox.GoCardless;

// Billing requests with a mandate_request only, and the hosted flows that let the payer authorise them.
internal static class GoCardlessBillingRequests
{
    private static readonly TimeSpan FlowLifetime = TimeSpan.FromDays(7);

    public static GcResult Create(GcCall call) => call.Create("billing_requests", () =>
    {
        var fields = new GoCardlessFields("billing_requests", call.Envelope("billing_requests"));
        if (fields.Has("payment_request"))
        {
            throw GoCardlessApiError.Validation("billing_requests", "payment_request", "is not supported by the Portal sandbox (Instant Bank Payments are not emulated)");
        }

        var mandateRequest = fields.Nested("mandate_request");
        if (!fields.Has("mandate_request"))
        {
            throw GoCardlessApiError.Validation("billing_requests", "mandate_request", "is missing");
        }

        var currency = mandateRequest.Text("currency")?.ToUpperInvariant();
        var schemeName = mandateRequest.Text("scheme");
        var scheme = schemeName is not null ? GoCardlessSchemes.Named(schemeName) : GoCardlessSchemes.ForCurrency(currency);
        if (scheme is null)
        {
            throw GoCardlessApiError.Validation("billing_requests", schemeName is null ? "mandate_request.currency" : "mandate_request.scheme",
                schemeName is null ? "must be a supported currency (AUD, CAD, DKK, EUR, GBP, NZD, SEK, USD)" : "is not a supported scheme");
        }

        if (currency is not null && currency != scheme.Currency)
        {
            throw GoCardlessApiError.Validation("billing_requests", "mandate_request.currency", $"must be {scheme.Currency} for the {scheme.Name} scheme");
        }

        var links = new Dictionary<string, string> { ["creditor"] = call.Account.CreditorId };
        if (fields.Link("customer") is { } customerId)
        {
            links["customer"] = call.Account.Find<GcCustomer>(customerId)?.Id
                ?? throw GoCardlessApiError.InvalidApiUsage(404, "resource_not_found", $"Customer {customerId} was not found.");
        }

        var request = call.Account.Add(new GcBillingRequest
        {
            Id = SandboxIds.GoCardless("BRQ"),
            CreatedAt = call.Action.Timestamp,
            MandateRequest = new GcMandateRequest
            {
                Currency = scheme.Currency,
                Scheme = scheme.Name,
                Verify = mandateRequest.Text("verify") ?? "recommended",
                Metadata = mandateRequest.Metadata(),
            },
            Metadata = fields.Metadata(),
            Links = links,
            Actions =
            [
                new GcBillingRequestAction { Type = "collect_customer_details" },
                new GcBillingRequestAction { Type = "collect_bank_account" },
                new GcBillingRequestAction { Type = "bank_authorisation" },
            ],
        });
        call.Action.Emit("billing_requests", "created", new() { ["billing_request"] = request.Id },
            new("api", "billing_request_created", "This billing request has been created."), request.Metadata);
        return request;
    });

    public static GcResult Get(GcCall call, string id) => call.Show("billing_requests", call.Account.Get<GcBillingRequest>(id));

    // As GoCardless: a pending request can be cancelled (its flows stop working, billing_requests.cancelled follows);
    // cancelling it again returns it as it is; a fulfilled one already has its mandate and cannot be.
    public static GcResult Cancel(GcCall call, string id)
    {
        var request = call.Account.Get<GcBillingRequest>(id);
        if (request.Status is "fulfilled" or "fulfilling")
        {
            throw GoCardlessApiError.InvalidState("billing_request_not_cancellable", $"The billing request is {request.Status} and can no longer be cancelled.");
        }

        if (request.Status != "cancelled")
        {
            request.Status = "cancelled";
            call.Action.Emit("billing_requests", "cancelled", new() { ["billing_request"] = request.Id },
                new("api", "billing_request_cancelled", "This billing request has been cancelled."), request.Metadata);
        }

        return call.Show("billing_requests", request);
    }

    public static GcResult List(GcCall call) => call.Page("billing_requests", call.Account.NewestFirst<GcBillingRequest>()
        .Where(r => call.Query["status"].FirstOrDefault() is not { } status || r.Status == status)
        .Where(r => call.Query["customer"].FirstOrDefault() is not { } customer || r.Links.GetValueOrDefault("customer") == customer)
        .ToList());

    public static GcResult CreateFlow(GcCall call) => call.Create("billing_request_flows", () =>
    {
        var fields = new GoCardlessFields("billing_request_flows", call.Envelope("billing_request_flows"));
        var request = call.Linked<GcBillingRequest>(fields, "billing_request", "Billing request");
        if (request.Status is "fulfilled" or "cancelled")
        {
            throw GoCardlessApiError.InvalidState("billing_request_not_pending", $"The billing request is {request.Status}; a flow can only be created for a pending billing request.");
        }

        var id = SandboxIds.GoCardless("BRF");
        var flow = call.Account.Add(new GcBillingRequestFlow
        {
            Id = id,
            CreatedAt = call.Action.Timestamp,
            AuthorisationUrl = $"{call.BaseUrl}/sandbox/gocardless/flow/{id}",
            Expiry = call.Now + FlowLifetime,
            ExpiresAt = GoCardlessJson.Timestamp(call.Now + FlowLifetime),
            RedirectUri = fields.Text("redirect_uri"),
            ExitUri = fields.Text("exit_uri"),
            SessionToken = SandboxIds.Stripe("session", 20),
            AutoFulfil = !fields.Has("auto_fulfil") || fields.Bool("auto_fulfil"),
            LockCustomerDetails = fields.Bool("lock_customer_details"),
            LockCurrency = fields.Bool("lock_currency"),
            LockBankAccount = fields.Bool("lock_bank_account"),
            Language = fields.Text("language"),
            PrefilledCustomer = fields.Strings("prefilled_customer"),
            Links = new() { ["billing_request"] = request.Id },
        });
        call.Action.Emit("billing_requests", "flow_created", new() { ["billing_request"] = request.Id },
            new("api", "billing_request_flow_created", "A billing request flow has been created against this billing request."), request.Metadata);
        return flow;
    });
}
