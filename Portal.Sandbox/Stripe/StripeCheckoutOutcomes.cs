namespace Portal.Sandbox.Stripe;

// What a payer (hosted page), the clock or a control call does to an open Checkout Session.
internal static class StripeCheckoutOutcomes
{
    // How long a delayed method takes to settle when the demo ticker is on.
    private static readonly TimeSpan DemoSettlementDelay = TimeSpan.FromSeconds(5);

    public static void PayByCard(StripeAction action, StripeCheckoutSession session)
    {
        var intent = IntentFor(action, session);
        var card = StripeTestCards.Visa(action, Billing(action, session));
        StripePayments.ChargeCard(action, intent, card);
        Complete(action, session, paymentStatus: "paid");
    }

    // Returns the message the payer sees; the session stays open so the payer can try again.
    public static string DeclineCard(StripeAction action, StripeCheckoutSession session)
    {
        var intent = IntentFor(action, session);
        var card = StripeTestCards.DeclinedVisa(action, Billing(action, session));
        StripePayments.ChargeCard(action, intent, card);
        return StripePayments.DeclineMessage("generic_decline");
    }

    public static void PayByDelayedMethod(StripeAction action, StripeCheckoutSession session, DelayedOutcome outcome)
    {
        var intent = IntentFor(action, session);
        var debit = StripeTestCards.SepaDebit(action, Billing(action, session));
        StripePayments.StartDelayedCharge(action, intent, debit);
        session.PendingDelayedOutcome = outcome;
        session.DelayedOutcomeDueAt = action.Now + DemoSettlementDelay;
        Complete(action, session, paymentStatus: "unpaid");
    }

    public static bool SettleDelayedPayment(StripeAction action, StripeCheckoutSession session)
    {
        if (session.PendingDelayedOutcome is not { } outcome)
        {
            return false;
        }

        session.PendingDelayedOutcome = null;
        session.DelayedOutcomeDueAt = null;
        var intent = action.Account.Get<StripePaymentIntent>(session.PaymentIntent!, "payment_intent");
        var charge = action.Account.Get<StripeCharge>(intent.LatestCharge!, "charge");
        var succeeded = outcome == DelayedOutcome.Succeeds;
        StripePayments.FinishDelayedCharge(action, intent, charge, succeeded);
        if (succeeded)
        {
            session.PaymentStatus = "paid";
        }

        action.Emit(succeeded ? "checkout.session.async_payment_succeeded" : "checkout.session.async_payment_failed", session);
        return true;
    }

    public static void Expire(StripeAction action, StripeCheckoutSession session)
    {
        session.Status = "expired";
        if (action.Account.Find<StripePaymentIntent>(session.PaymentIntent) is { Status: "requires_payment_method" } intent)
        {
            intent.Status = "canceled";
            intent.CanceledAt = action.Timestamp;
            intent.CancellationReason = "automatic";
            action.Emit("payment_intent.canceled", intent);
        }

        action.Emit("checkout.session.expired", session);
    }

    // Sessions past expires_at expire; with the demo ticker, delayed methods settle a few seconds after completion.
    public static void ApplyClock(StripeAccount account, DateTimeOffset now)
    {
        var action = new StripeAction(account, now, null);
        foreach (var session in account.NewestFirst<StripeCheckoutSession>())
        {
            if (session.Status == "open" && session.ExpiresAt <= now.ToUnixTimeSeconds())
            {
                Expire(action, session);
            }
            else if (account.Sandbox.Options.DemoTicker && session.DelayedOutcomeDueAt <= now)
            {
                SettleDelayedPayment(action, session);
            }
        }
    }

    public static string SuccessRedirect(StripeCheckoutSession session) =>
        session.SuccessUrl?.Replace("{CHECKOUT_SESSION_ID}", session.Id, StringComparison.Ordinal) ?? "";

    private static void Complete(StripeAction action, StripeCheckoutSession session, string paymentStatus)
    {
        session.Status = "complete";
        session.PaymentStatus = paymentStatus;
        session.CustomerDetails = new StripeCustomerDetails(Billing(action, session).Email, null);
        action.Emit("checkout.session.completed", session);
    }

    private static StripePaymentIntent IntentFor(StripeAction action, StripeCheckoutSession session)
    {
        if (action.Account.Find<StripePaymentIntent>(session.PaymentIntent) is { } existing)
        {
            return existing;
        }

        var intent = StripePayments.CreateIntent(
            action, session.AmountTotal, session.Currency, session.Customer,
            new Dictionary<string, string>(session.PaymentIntentMetadata), session.PaymentIntentDescription, session.SetupFutureUsage);
        session.PaymentIntent = intent.Id;
        return intent;
    }

    private static StripeBillingDetails Billing(StripeAction action, StripeCheckoutSession session)
    {
        var email = session.CustomerEmail ?? action.Account.Find<StripeCustomer>(session.Customer)?.Email ?? "payer@example.test";
        return new StripeBillingDetails(email, null);
    }
}
