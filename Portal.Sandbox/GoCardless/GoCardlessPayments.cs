using Portal.Sandbox.Common;

namespace Portal.Sandbox.GoCardless;

internal static class GoCardlessPayments
{
    public static GcResult Create(GcCall call) => call.Create("payments", () =>
    {
        var fields = new GoCardlessFields("payments", call.Envelope("payments"));
        var mandate = call.Linked<GcMandate>(fields, "mandate", "Mandate");
        if (!GoCardlessLifecycle.IsUsable(mandate))
        {
            throw GoCardlessApiError.InvalidState("mandate_is_inactive", $"The mandate is {mandate.Status}; payments cannot be created on it.");
        }

        var scheme = GoCardlessSchemes.Named(mandate.Scheme)!;
        var amount = fields.PositiveAmount("amount");

        var currency = fields.RequiredText("currency").ToUpperInvariant();
        if (currency != scheme.Currency)
        {
            throw GoCardlessApiError.Validation("payments", "currency", $"must be {scheme.Currency} for a {scheme.Name} mandate");
        }

        var reference = fields.Text("reference");
        if (reference is not null && reference.Length > scheme.MaxReferenceLength)
        {
            throw GoCardlessApiError.Validation("payments", "reference", $"is too long (maximum is {scheme.MaxReferenceLength} characters for {scheme.Name})");
        }

        var metadata = fields.Metadata();
        var earliest = GoCardlessLifecycle.NextPossibleChargeDate(mandate, call.Now)!.Value;

        // A charge date on a non-working day moves to the next working day before the lead time is checked.
        var chargeDate = fields.Date("charge_date") is { } requested ? WorkingDays.RollForward(requested) : earliest;
        if (chargeDate < earliest)
        {
            throw GoCardlessApiError.Validation("payments", "charge_date",
                $"must be on or after mandate's next_possible_charge_date ({GoCardlessJson.Date(earliest)})");
        }

        var payment = call.Account.Add(new GcPayment
        {
            Id = SandboxIds.GoCardless("PM"),
            CreatedAt = call.Action.Timestamp,
            ChargeDate = GoCardlessJson.Date(chargeDate),
            Amount = amount,
            Currency = currency,
            Description = fields.Text("description"),
            Reference = reference,
            RetryIfPossible = fields.Bool("retry_if_possible"),
            Metadata = metadata,
            Links = new() { ["creditor"] = call.Account.CreditorId, ["mandate"] = mandate.Id },
            LastChangedAt = call.Now,
        });
        call.Action.Emit("payments", "created", new() { ["payment"] = payment.Id },
            new("api", "payment_created", "Payment created via the API.", scheme.Name), payment.Metadata);
        return payment;
    });

    public static GcResult Get(GcCall call, string id) => call.Show("payments", call.Account.Get<GcPayment>(id));

    public static GcResult List(GcCall call)
    {
        var query = call.Query;
        var statuses = query["status"].FirstOrDefault()?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var payments = call.Account.NewestFirst<GcPayment>()
            .Where(p => query["mandate"].FirstOrDefault() is not { } mandate || p.Links["mandate"] == mandate)
            .Where(p => query["customer"].FirstOrDefault() is not { } customer || call.Account.Find<GcMandate>(p.Links["mandate"])?.Links["customer"] == customer)
            .Where(p => statuses is null || statuses.Contains(p.Status))
            .ToList();
        return call.Page("payments", payments);
    }

    public static GcResult Cancel(GcCall call, string id)
    {
        var payment = call.Account.Get<GcPayment>(id);
        GoCardlessLifecycle.CancelPayment(call.Action, payment, "api", "payment_cancelled", "The payment was cancelled at your request.");
        return call.Show("payments", payment);
    }

    public static GcResult Retry(GcCall call, string id)
    {
        var payment = call.Account.Get<GcPayment>(id);
        var data = new GoCardlessFields("data", call.Body["data"] as System.Text.Json.Nodes.JsonObject ?? []);
        GoCardlessLifecycle.RetryPayment(call.Action, payment, data.Date("charge_date"));
        return call.Show("payments", payment);
    }
}
