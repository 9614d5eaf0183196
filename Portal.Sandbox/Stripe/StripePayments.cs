using System.Text.Json.Nodes;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.Stripe;

// What happens to a PaymentIntent when a payment method is tried on it: charges, balance transactions, events.
internal static class StripePayments
{
    public static StripePaymentIntent CreateIntent(
        StripeAction action, long amount, string currency, string? customer, Dictionary<string, string> metadata,
        string? description, string? setupFutureUsage)
    {
        var intent = action.Account.Add(new StripePaymentIntent
        {
            Id = SandboxIds.Stripe("pi"),
            Created = action.Timestamp,
            Amount = amount,
            Currency = currency,
            Customer = customer,
            Metadata = metadata,
            Description = description,
            SetupFutureUsage = setupFutureUsage,
        });
        action.Emit("payment_intent.created", intent);
        return intent;
    }

    // Card outcome decided now: succeeded (charge + balance transaction) or declined (failed charge).
    public static StripeCharge ChargeCard(StripeAction action, StripePaymentIntent intent, StripePaymentMethod method)
    {
        AttachForFutureUse(intent, method);
        var charge = NewCharge(action, intent, method, "pending");
        if (method.DeclineCode is { } declineCode)
        {
            Fail(action, intent, charge, method, declineCode);
        }
        else
        {
            Succeed(action, intent, charge);
        }

        return charge;
    }

    // Delayed methods (SEPA Direct Debit): the charge stays pending until the bank answers.
    public static StripeCharge StartDelayedCharge(StripeAction action, StripePaymentIntent intent, StripePaymentMethod method)
    {
        AttachForFutureUse(intent, method);
        var charge = NewCharge(action, intent, method, "pending");
        intent.Status = "processing";
        action.Emit("charge.pending", charge);
        action.Emit("payment_intent.processing", intent);
        return charge;
    }

    public static void FinishDelayedCharge(StripeAction action, StripePaymentIntent intent, StripeCharge charge, bool succeeded)
    {
        var method = action.Account.Get<StripePaymentMethod>(charge.PaymentMethod, "payment_method");
        if (succeeded)
        {
            Succeed(action, intent, charge);
        }
        else
        {
            Fail(action, intent, charge, method, "insufficient_funds");
        }
    }

    public static JsonObject DeclineError(string declineCode) => new()
    {
        ["type"] = "card_error",
        ["code"] = declineCode == "authentication_required" ? "authentication_required" : "card_declined",
        ["decline_code"] = declineCode,
        ["message"] = DeclineMessage(declineCode),
    };

    public static string DeclineMessage(string declineCode) => declineCode switch
    {
        "insufficient_funds" => "Your card has insufficient funds.",
        "authentication_required" => "Your card was declined. This transaction requires authentication.",
        _ => "Your card was declined.",
    };

    private static void Succeed(StripeAction action, StripePaymentIntent intent, StripeCharge charge)
    {
        var fee = StripeFees.ProcessingFee(charge.Amount, charge.Currency);
        var balance = action.Account.Add(new StripeBalanceTransaction
        {
            Id = SandboxIds.Stripe("txn"),
            Created = action.Timestamp,
            Amount = charge.Amount,
            Currency = charge.Currency,
            Fee = fee,
            FeeDetails = [new StripeFeeDetail(fee, charge.Currency, "Stripe processing fees", "stripe_fee", null)],
            Type = "charge",
            ReportingCategory = "charge",
            Source = charge.Id,
            AvailableOn = action.Now.AddDays(2).ToUnixTimeSeconds(),
            Description = charge.Description,
        });
        charge.Status = "succeeded";
        charge.BalanceTransaction = balance.Id;
        charge.Outcome = Outcome("authorized", "Payment complete.");
        intent.Status = "succeeded";
        intent.AmountReceived = intent.Amount;
        intent.LastPaymentError = null;
        action.Emit("charge.succeeded", charge);
        action.Emit("payment_intent.succeeded", intent);
    }

    private static void Fail(StripeAction action, StripePaymentIntent intent, StripeCharge charge, StripePaymentMethod method, string declineCode)
    {
        var error = DeclineError(declineCode);
        charge.Status = "failed";
        charge.FailureCode = error["code"]!.GetValue<string>();
        charge.FailureMessage = error["message"]!.GetValue<string>();
        charge.Outcome = Outcome("issuer_declined", "The bank did not return any further details with this decline.");
        error["charge"] = charge.Id;
        error["payment_method"] = StripeJson.ToNode(method);
        intent.Status = "requires_payment_method";
        intent.LastPaymentError = error;
        action.Emit("charge.failed", charge);
        action.Emit("payment_intent.payment_failed", intent);
    }

    private static StripeCharge NewCharge(StripeAction action, StripePaymentIntent intent, StripePaymentMethod method, string status)
    {
        var charge = action.Account.Add(new StripeCharge
        {
            Id = SandboxIds.Stripe("ch"),
            Created = action.Timestamp,
            Amount = intent.Amount,
            Currency = intent.Currency,
            Status = status,
            PaymentIntent = intent.Id,
            Customer = intent.Customer,
            PaymentMethod = method.Id,
            PaymentMethodDetails = MethodDetails(method),
            Description = intent.Description,
            Metadata = new Dictionary<string, string>(intent.Metadata),
            BillingDetails = method.BillingDetails,
        });
        intent.PaymentMethod = method.Id;
        intent.LatestCharge = charge.Id;
        return charge;
    }

    private static void AttachForFutureUse(StripePaymentIntent intent, StripePaymentMethod method)
    {
        if (intent.SetupFutureUsage is not null && intent.Customer is not null && method.Customer is null)
        {
            method.Customer = intent.Customer;
        }
    }

    private static JsonObject MethodDetails(StripePaymentMethod method) => method.Type switch
    {
        "sepa_debit" => new JsonObject
        {
            ["type"] = "sepa_debit",
            ["sepa_debit"] = new JsonObject { ["bank_code"] = method.SepaDebit!.BankCode, ["country"] = method.SepaDebit.Country, ["last4"] = method.SepaDebit.Last4 },
        },
        _ => new JsonObject
        {
            ["type"] = "card",
            ["card"] = new JsonObject
            {
                ["brand"] = method.Card!.Brand,
                ["last4"] = method.Card.Last4,
                ["exp_month"] = method.Card.ExpMonth,
                ["exp_year"] = method.Card.ExpYear,
                ["country"] = method.Card.Country,
                ["funding"] = method.Card.Funding,
            },
        },
    };

    private static JsonObject Outcome(string type, string message) => new()
    {
        ["network_status"] = type == "authorized" ? "approved_by_network" : "declined_by_network",
        ["type"] = type,
        ["seller_message"] = message,
        ["risk_level"] = "normal",
    };
}
