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
        action.Emit("payouts", "paid", new() { ["payout"] = payout.Id },
            new GcEventDetails("gocardless", "payout_paid", "GoCardless has transferred the payout to the creditor's bank account."));
        return payout;
    }

    public static GcResult Get(GcCall call, string id) => call.Show("payouts", call.Account.Get<GcPayout>(id));

    public static GcResult List(GcCall call) => call.Page("payouts", call.Account.NewestFirst<GcPayout>()
        .Where(p => call.Query["status"].FirstOrDefault() is not { } status || p.Status == status)
        .ToList());
}
