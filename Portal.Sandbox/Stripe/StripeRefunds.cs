using System.Text.Json.Nodes;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.Stripe;

internal static class StripeRefunds
{
    public static JsonNode Create(StripeCall call)
    {
        var form = call.Form;
        var charge = ChargeToRefund(call);
        if (charge.Status != "succeeded")
        {
            throw StripeApiError.InvalidRequest($"Charge {charge.Id} has not succeeded and cannot be refunded.", "charge");
        }

        if (charge.Disputed)
        {
            throw StripeApiError.InvalidRequest($"Charge {charge.Id} has been charged back; it cannot be refunded.", "charge", "charge_disputed");
        }

        var refundable = charge.Amount - charge.AmountRefunded;
        if (refundable == 0)
        {
            throw StripeApiError.InvalidRequest($"Charge {charge.Id} has already been refunded.", "charge", "charge_already_refunded");
        }

        var amount = form.Long("amount") ?? refundable;
        if (amount < 1)
        {
            throw StripeApiError.InvalidRequest("Refund amount must be positive.", "amount");
        }

        if (amount > refundable)
        {
            throw StripeApiError.InvalidRequest(
                $"Refund amount ({amount}) is greater than unrefunded amount on charge ({refundable}).", "amount", "amount_too_large");
        }

        var refundId = SandboxIds.Stripe("re");
        var balance = call.Account.Add(new StripeBalanceTransaction
        {
            Id = SandboxIds.Stripe("txn"),
            Created = call.Timestamp,
            Amount = -amount,
            Currency = charge.Currency,
            Fee = 0,
            FeeDetails = [],
            Type = "refund",
            ReportingCategory = "refund",
            Source = refundId,
            AvailableOn = call.Timestamp,
            Description = "REFUND FOR CHARGE",
        });
        var refund = call.Account.Add(new StripeRefund
        {
            Id = refundId,
            Created = call.Timestamp,
            Amount = amount,
            Currency = charge.Currency,
            Charge = charge.Id,
            PaymentIntent = charge.PaymentIntent,
            Reason = form.Text("reason"),
            BalanceTransaction = balance.Id,
            Metadata = form.Map("metadata"),
        });
        charge.AmountRefunded += amount;
        call.Action.Emit("refund.created", refund);
        call.Action.Emit("charge.refunded", charge);
        return StripeJson.ToNode(refund);
    }

    /// <summary>
    /// The card the refund went to could not take it (closed, lost, expired), as banks answer days later: the money
    /// comes back to the balance, the charge counts it as refunded no more, and Stripe says so with refund.failed and
    /// refund.updated.
    /// </summary>
    public static void Fail(StripeAction action, StripeRefund refund, string failureReason)
    {
        if (refund.Status != "succeeded")
        {
            throw StripeApiError.InvalidRequest($"Refund {refund.Id} is {refund.Status}; only a succeeded refund can fail.", "refund");
        }

        var charge = action.Account.Get<StripeCharge>(refund.Charge, "charge");
        var balance = action.Account.Add(new StripeBalanceTransaction
        {
            Id = SandboxIds.Stripe("txn"),
            Created = action.Timestamp,
            Amount = refund.Amount,
            Currency = refund.Currency,
            Fee = 0,
            FeeDetails = [],
            Type = "refund_failure",
            ReportingCategory = "refund_failure",
            Source = refund.Id,
            AvailableOn = action.Timestamp,
            Description = "REFUND FAILURE",
        });
        refund.Status = "failed";
        refund.FailureReason = failureReason;
        refund.FailureBalanceTransaction = balance.Id;
        charge.AmountRefunded -= refund.Amount;
        action.Emit("refund.failed", refund);
        action.Emit("refund.updated", refund);
    }

    public static JsonNode Get(StripeCall call, string id) => StripeJson.ToNode(call.Account.Get<StripeRefund>(id, "refund"));

    private static StripeCharge ChargeToRefund(StripeCall call)
    {
        if (call.Form.Text("charge") is { } chargeId)
        {
            return call.Account.Find<StripeCharge>(chargeId) ?? throw StripeApiError.MissingReference("charge", chargeId, "charge");
        }

        if (call.Form.Text("payment_intent") is { } intentId)
        {
            var intent = call.Account.Find<StripePaymentIntent>(intentId) ?? throw StripeApiError.MissingReference("payment_intent", intentId, "payment_intent");
            return call.Account.Find<StripeCharge>(intent.LatestCharge)
                ?? throw StripeApiError.InvalidRequest($"PaymentIntent {intentId} does not have a successful charge to refund.", "payment_intent");
        }

        throw StripeApiError.InvalidRequest("One of the following params should be provided for this request: payment_intent or charge.", "charge", "parameter_missing");
    }
}
