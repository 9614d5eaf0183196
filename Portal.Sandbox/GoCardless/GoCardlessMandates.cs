namespace Portal.Sandbox.GoCardless;

internal static class GoCardlessMandates
{
    public static GcResult Get(GcCall call, string id) => call.Show("mandates", call.Account.Get<GcMandate>(id));

    public static GcResult List(GcCall call)
    {
        var query = call.Query;
        var exclusive = new[] { "customer", "customer_bank_account", "creditor" }.Where(k => query.ContainsKey(k)).ToList();
        if (exclusive.Count > 1)
        {
            throw GoCardlessApiError.Validation("mandates", exclusive[1], "customer, customer_bank_account and creditor cannot be combined");
        }

        // Array filters arrive comma-joined: status=active,pending_submission.
        var statuses = query["status"].FirstOrDefault()?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var mandates = call.Account.NewestFirst<GcMandate>()
            .Where(m => query["customer"].FirstOrDefault() is not { } customer || m.Links["customer"] == customer)
            .Where(m => query["customer_bank_account"].FirstOrDefault() is not { } bankAccount || m.Links["customer_bank_account"] == bankAccount)
            .Where(m => statuses is null || statuses.Contains(m.Status))
            .Where(m => query["scheme"].FirstOrDefault() is not { } scheme || m.Scheme == scheme)
            .ToList();
        return call.Page("mandates", mandates);
    }

    public static GcResult Cancel(GcCall call, string id)
    {
        var mandate = call.Account.Get<GcMandate>(id);
        GoCardlessLifecycle.EndMandate(call.Action, mandate, "cancelled", "api", "mandate_cancelled", "The mandate was cancelled at your request.");
        return call.Show("mandates", mandate);
    }
}
