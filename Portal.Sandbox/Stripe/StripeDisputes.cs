using Portal.Sandbox.Common;

namespace Portal.Sandbox.Stripe;

// Disputes only start from the control API (a payer's bank opens them), then close won or lost.
internal static class StripeDisputes
{
    public static StripeDispute Open(StripeAction action, StripeCharge charge, string reason)
    {
        if (charge.Status != "succeeded" || charge.Disputed)
        {
            throw StripeApiError.InvalidRequest($"Charge {charge.Id} cannot be disputed (status {charge.Status}, disputed {charge.Disputed}).", "charge");
        }

        var amount = charge.Amount - charge.AmountRefunded;
        var dispute = action.Account.Add(new StripeDispute
        {
            Id = SandboxIds.Stripe("du"),
            Created = action.Timestamp,
            Amount = amount,
            Currency = charge.Currency,
            Charge = charge.Id,
            PaymentIntent = charge.PaymentIntent,
            Reason = reason,
            EvidenceDetails = new StripeDisputeEvidenceDetails(action.Now.AddDays(7).ToUnixTimeSeconds(), false, false, 0),
        });
        dispute.BalanceTransactions.Add(Adjustment(action, dispute, -amount, StripeFees.DisputeFee, "Chargeback withdrawal"));
        charge.Disputed = true;
        action.Emit("charge.dispute.created", dispute);
        action.Emit("charge.dispute.funds_withdrawn", dispute);
        return dispute;
    }

    public static void Close(StripeAction action, StripeDispute dispute, bool won)
    {
        if (dispute.Status is "won" or "lost")
        {
            throw StripeApiError.InvalidRequest($"Dispute {dispute.Id} is already closed ({dispute.Status}).");
        }

        dispute.Status = won ? "won" : "lost";
        if (won)
        {
            dispute.BalanceTransactions.Add(Adjustment(action, dispute, dispute.Amount, 0, "Chargeback reversal"));
            action.Emit("charge.dispute.funds_reinstated", dispute);
        }

        action.Emit("charge.dispute.closed", dispute);
    }

    private static StripeBalanceTransaction Adjustment(StripeAction action, StripeDispute dispute, long amount, long fee, string description) =>
        action.Account.Add(new StripeBalanceTransaction
        {
            Id = SandboxIds.Stripe("txn"),
            Created = action.Timestamp,
            Amount = amount,
            Currency = dispute.Currency,
            Fee = fee,
            FeeDetails = fee == 0 ? [] : [new StripeFeeDetail(fee, dispute.Currency, "Dispute fee", "stripe_fee", null)],
            Type = "adjustment",
            ReportingCategory = "dispute",
            Source = dispute.Id,
            AvailableOn = action.Timestamp,
            Description = description,
        });
}
