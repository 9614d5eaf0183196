using Portal.Sandbox.Common;

namespace Portal.Sandbox.Stripe;

// Stripe's magic payment method ids (pm_card_visa, pm_card_chargeDeclined, …) and the methods the hosted page uses.
internal static class StripeTestCards
{
    public static StripePaymentMethod Visa(StripeAction action, StripeBillingDetails billing) =>
        Card(action, "visa", "4242", declineCode: null, billing);

    public static StripePaymentMethod DeclinedVisa(StripeAction action, StripeBillingDetails billing) =>
        Card(action, "visa", "0002", "generic_decline", billing);

    public static StripePaymentMethod SepaDebit(StripeAction action, StripeBillingDetails billing) =>
        action.Account.Add(new StripePaymentMethod
        {
            Id = SandboxIds.Stripe("pm"),
            Created = action.Timestamp,
            Type = "sepa_debit",
            SepaDebit = new StripeSepaDebitDetails("37040044", "DE", "3000"),
            BillingDetails = billing,
        });

    public static StripePaymentMethod? FromMagicId(StripeAction action, string id) => id switch
    {
        "pm_card_visa" => Card(action, "visa", "4242", null, new(null, null)),
        "pm_card_mastercard" => Card(action, "mastercard", "4444", null, new(null, null)),
        "pm_card_chargeDeclined" or "pm_card_visa_chargeDeclined" => Card(action, "visa", "0002", "generic_decline", new(null, null)),
        "pm_card_chargeDeclinedInsufficientFunds" or "pm_card_visa_chargeDeclinedInsufficientFunds" =>
            Card(action, "visa", "9995", "insufficient_funds", new(null, null)),
        "pm_card_authenticationRequired" => Card(action, "visa", "3155", "authentication_required", new(null, null)),
        _ => null,
    };

    private static StripePaymentMethod Card(StripeAction action, string brand, string last4, string? declineCode, StripeBillingDetails billing) =>
        action.Account.Add(new StripePaymentMethod
        {
            Id = SandboxIds.Stripe("pm"),
            Created = action.Timestamp,
            Type = "card",
            Card = new StripeCardDetails(brand, last4, 12, action.Now.Year + 3, "US", "credit"),
            BillingDetails = billing,
            DeclineCode = declineCode,
        });
}
