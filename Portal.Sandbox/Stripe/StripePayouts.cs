using System.Text.Json.Nodes;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.Stripe;

// Payouts as Stripe's automatic payouts behave: everything in the balance of one currency not yet paid out (charges
// net of their fees, less refunds and dispute withdrawals) leaves in one payout, which gets a balance transaction of
// its own (type payout, −N). GET /v1/balance_transactions?payout= lists what the payout contains, its own transaction
// included. A payout can fail after it was paid: Stripe then returns the money to the balance with a
// payout_failure transaction (+N) and sends payout.failed.
internal static class StripePayouts
{
    public static StripePayout PayOutAvailable(StripeAction action, string currency)
    {
        currency = currency.ToLowerInvariant();
        var contents = action.Account.NewestFirst<StripeBalanceTransaction>()
            .Where(t => t.Currency == currency && t.PayoutId is null && t.Type != "payout")
            .Reverse()
            .ToList();
        var net = contents.Sum(t => t.Net);
        if (net <= 0)
        {
            throw StripeApiError.InvalidRequest($"There is no {currency} balance available to pay out.", "currency", "balance_insufficient");
        }

        var payoutId = SandboxIds.Stripe("po");
        var own = action.Account.Add(new StripeBalanceTransaction
        {
            Id = SandboxIds.Stripe("txn"),
            Created = action.Timestamp,
            Amount = -net,
            Currency = currency,
            Fee = 0,
            FeeDetails = [],
            Type = "payout",
            ReportingCategory = "payout",
            Source = payoutId,
            AvailableOn = action.Timestamp,
            Description = "STRIPE PAYOUT",
            Status = "available",
            PayoutId = payoutId,
        });
        foreach (var transaction in contents)
        {
            transaction.PayoutId = payoutId;
            transaction.Status = "available";
        }

        var payout = action.Account.Add(new StripePayout
        {
            Id = payoutId,
            Created = action.Timestamp,
            Amount = net,
            Currency = currency,
            ArrivalDate = new DateTimeOffset(action.Now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero).ToUnixTimeSeconds(),
            BalanceTransaction = own.Id,
        });
        action.Emit("payout.created", payout);
        payout.Status = "paid";
        action.Emit("payout.paid", payout);
        return payout;
    }

    public static StripePayout Fail(StripeAction action, StripePayout payout)
    {
        if (payout.Status == "failed")
        {
            throw StripeApiError.InvalidRequest($"Payout {payout.Id} has already failed.", "payout");
        }

        var returned = action.Account.Add(new StripeBalanceTransaction
        {
            Id = SandboxIds.Stripe("txn"),
            Created = action.Timestamp,
            Amount = payout.Amount,
            Currency = payout.Currency,
            Fee = 0,
            FeeDetails = [],
            Type = "payout_failure",
            ReportingCategory = "payout_reversal",
            Source = payout.Id,
            AvailableOn = action.Timestamp,
            Description = "STRIPE PAYOUT FAILURE",
            Status = "available",
        });
        payout.Status = "failed";
        payout.FailureCode = "account_closed";
        payout.FailureMessage = "The bank account has been closed.";
        payout.FailureBalanceTransaction = returned.Id;
        action.Emit("payout.failed", payout);
        return payout;
    }

    public static JsonNode Get(StripeCall call, string id) => StripeJson.ToNode(call.Account.Get<StripePayout>(id, "payout"));

    public static JsonNode List(StripeCall call) =>
        StripeJson.Page(call.Account.NewestFirst<StripePayout>().Where(p => call.Form.Text("status") is not { } status || p.Status == status).ToList(),
            call.Form, "/v1/payouts");

    // GET /v1/balance_transactions, optionally ?payout=po_… (what an automatic payout contains) and ?type=.
    public static JsonNode BalanceTransactions(StripeCall call)
    {
        var payoutId = call.Form.Text("payout");
        if (payoutId is not null)
        {
            call.Account.Get<StripePayout>(payoutId, "payout");
        }

        var transactions = call.Account.NewestFirst<StripeBalanceTransaction>()
            .Where(t => payoutId is null || t.PayoutId == payoutId)
            .Where(t => call.Form.Text("type") is not { } type || t.Type == type)
            .Where(t => call.Form.Text("currency") is not { } currency || t.Currency == currency)
            .ToList();
        return StripeJson.Page(transactions, call.Form, "/v1/balance_transactions");
    }
}
