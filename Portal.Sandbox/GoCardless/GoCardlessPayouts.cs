using Portal.Sandbox.Common;

namespace Portal.Sandbox.GoCardless;

// Payouts: the sandbox pays each payment out on its own, less a fee shaped like GoCardless's standard pricing
// (1% + 20 minor units, capped at 400), and sends payouts.paid.
internal static class GoCardlessPayouts
{
    private const long FeeBasisPoints = 100;
    private const long FixedFeeMinor = 20;
    private const long FeeCapMinor = 400;

    public static GcPayout PayOut(GoCardlessAction action, GcPayment payment)
    {
        var fee = Math.Min(FeeCapMinor, payment.Amount * FeeBasisPoints / 10_000 + FixedFeeMinor);
        var payout = action.Account.Add(new GcPayout
        {
            Id = SandboxIds.GoCardless("PO"),
            CreatedAt = action.Timestamp,
            Amount = payment.Amount - fee,
            DeductedFees = fee,
            Currency = payment.Currency,
            ArrivalDate = GoCardlessJson.Date(WorkingDays.Add(action.Today, 1)),
            Reference = "SANDBOX-" + SandboxIds.GoCardless("")[2..10],
            Links = new() { ["creditor"] = action.Account.CreditorId },
        });
        var links = new Dictionary<string, string> { ["payment"] = payment.Id };
        if (payment.Links.TryGetValue("mandate", out var mandate))
        {
            links["mandate"] = mandate;
        }

        payout.Items.Add(Item(payout, "payment_paid_out", payment.Amount, links));
        payout.Items.Add(Item(payout, "gocardless_fee", -fee, links));
        action.Emit("payouts", "paid", new() { ["payout"] = payout.Id },
            new GcEventDetails("gocardless", "payout_paid", "GoCardless has transferred the payout to the creditor's bank account."));
        return payout;
    }

    // GET /payout_items?payout=PO…: the credits and debits that add up to the payout's amount, in the order they were added.
    public static GcResult Items(GcCall call)
    {
        if (call.Query["payout"].FirstOrDefault() is not { Length: > 0 } payoutId)
        {
            throw GoCardlessApiError.Validation("payout_items", "payout", "is required");
        }

        return call.Page("payout_items", call.Account.Get<GcPayout>(payoutId).Items);
    }

    private static GcPayoutItem Item(GcPayout payout, string type, long amount, Dictionary<string, string> links) => new()
    {
        Id = $"{payout.Id}-{payout.Items.Count + 1}",
        Type = type,
        Amount = amount.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".0",
        Links = new(links),
    };

    public static GcResult Get(GcCall call, string id) => call.Show("payouts", call.Account.Get<GcPayout>(id));

    public static GcResult List(GcCall call) => call.Page("payouts", call.Account.NewestFirst<GcPayout>()
        .Where(p => call.Query["status"].FirstOrDefault() is not { } status || p.Status == status)
        .ToList());
}
