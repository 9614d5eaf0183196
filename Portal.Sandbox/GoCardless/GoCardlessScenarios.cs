namespace Portal.Sandbox.GoCardless;

// POST /scenario_simulators/{id}/actions/run: GoCardless's sandbox shortcuts for what banks and payers do.
internal static class GoCardlessScenarios
{
    public static readonly IReadOnlyList<string> Names =
    [
        "payment_submitted", "payment_confirmed", "payment_paid_out", "payment_failed", "payment_late_failure", "payment_charged_back",
        "mandate_activated", "mandate_failed", "mandate_expired", "mandate_cancelled", "billing_request_fulfilled",
    ];

    public static GcResult Run(GcCall call, string scenario)
    {
        var fields = new GoCardlessFields("scenario_simulators", call.Body["scenario_simulators"] as System.Text.Json.Nodes.JsonObject ?? []);
        var resource = fields.RequiredLink("resource");
        Apply(call.Action, scenario, resource);
        return new GcResult(200, GoCardlessJson.Envelope("scenario_simulators", new System.Text.Json.Nodes.JsonObject { ["id"] = scenario }));
    }

    public static void Apply(GoCardlessAction action, string scenario, string resourceId)
    {
        var account = action.Account;
        GcPayment Payment() => account.Get<GcPayment>(resourceId);
        GcMandate Mandate() => account.Get<GcMandate>(resourceId);
        switch (scenario)
        {
            case "payment_submitted":
                GoCardlessLifecycle.AdvancePayment(action, Payment(), "submitted");
                break;
            case "payment_confirmed":
                GoCardlessLifecycle.AdvancePayment(action, Payment(), "confirmed");
                break;
            case "payment_paid_out":
                GoCardlessLifecycle.AdvancePayment(action, Payment(), "paid_out");
                break;
            case "payment_failed":
                GoCardlessLifecycle.FailPayment(action, Payment(), late: false);
                break;
            case "payment_late_failure":
                GoCardlessLifecycle.FailPayment(action, Payment(), late: true);
                break;
            case "payment_charged_back":
                GoCardlessLifecycle.ChargeBack(action, Payment());
                break;
            case "mandate_activated":
                GoCardlessLifecycle.ActivateMandate(action, Mandate());
                break;
            case "mandate_failed":
                GoCardlessLifecycle.FailMandate(action, Mandate());
                break;
            case "mandate_expired":
                GoCardlessLifecycle.EndMandate(action, Mandate(), "expired", "gocardless", "mandate_expired", "The mandate expired after a long period without collections.");
                break;
            case "mandate_cancelled":
                GoCardlessLifecycle.EndMandate(action, Mandate(), "cancelled", "bank", "bank_account_closed", "The customer's bank account was closed, so the mandate was cancelled.");
                break;
            case "billing_request_fulfilled":
                var request = account.Get<GcBillingRequest>(resourceId);
                if (request.Status != "pending")
                {
                    throw GoCardlessApiError.InvalidState("invalid_state", $"The billing request is {request.Status}.");
                }

                GoCardlessLifecycle.Fulfil(action, request, GoCardlessFlowPage.DefaultPayer(account, request), "pending_submission");
                break;
            default:
                throw GoCardlessApiError.InvalidApiUsage(404, "resource_not_found", $"Unknown scenario simulator '{scenario}'. Known: {string.Join(", ", Names)}.");
        }
    }
}
