using Portal.Domain;

namespace Portal.CardOnFile;

/// <summary>
/// A card a client saved at Stripe for automatic payment, with their consent given on the payment page. Portal keeps
/// only what lets the client recognise the card (brand, last four digits, expiry) and the Stripe ids that charge it;
/// the card itself stays at Stripe. One card per client pays automatically: saving another replaces it, and removing it
/// (which detaches it at Stripe) turns automatic card payment off.
/// </summary>
public sealed class SavedCard : IClientOwned
{
    public const int MaxIdLength = 64;

    private SavedCard() { }

    public SavedCard(Guid firmId, Guid clientAccountId, string customerId, string paymentMethodId, string? brand, string? last4,
        int? expMonth, int? expYear, Guid savedWithPaymentId, DateTimeOffset savedAt)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        ClientAccountId = clientAccountId;
        CustomerId = customerId;
        PaymentMethodId = paymentMethodId;
        Brand = brand is { Length: > 20 } ? brand[..20] : brand;
        // Never more than the last digits, whatever the provider sends.
        Last4 = last4 is { Length: > 4 } ? last4[^4..] : last4;
        ExpMonth = expMonth;
        ExpYear = expYear;
        SavedWithPaymentId = savedWithPaymentId;
        SavedAt = savedAt;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    /// <summary>The client's Stripe customer, to which the card is attached.</summary>
    public string CustomerId { get; private set; } = "";
    public string PaymentMethodId { get; private set; } = "";
    public string? Brand { get; private set; }
    public string? Last4 { get; private set; }
    public int? ExpMonth { get; private set; }
    public int? ExpYear { get; private set; }
    /// <summary>The card payment during which the client ticked "save this card": their consent, and its date.</summary>
    public Guid SavedWithPaymentId { get; private set; }
    public DateTimeOffset SavedAt { get; private set; }
    public DateTimeOffset? RemovedAt { get; private set; }

    public bool IsActive => RemovedAt is null;

    public void Remove(DateTimeOffset at) => RemovedAt ??= at;
}
