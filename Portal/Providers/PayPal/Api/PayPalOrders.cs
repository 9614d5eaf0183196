using System.Text.Json.Serialization;
using Portal.Domain;

namespace Portal.Providers.PayPal.Api;

// {"currency_code":"EUR","value":"12.34"}; PayPalAmounts converts it to and from Money.
public sealed record PayPalMoney(string CurrencyCode, string Value)
{
    public Money ToMoney() => PayPalAmounts.FromWire(this);
}

public sealed record PayPalLink(string Href, string Rel, string? Method);

public enum PayPalOrderStatus
{
    Unknown,
    Created,
    Saved,
    Approved,
    Voided,
    Completed,

    // Returned instead of Created when the order carries payment_source.paypal.experience_context: the payer must
    // still go through the payer-action link.
    PayerActionRequired,
}

/// <summary>
/// The order Portal asks PayPal to create for one payment: capture at once, one purchase unit whose custom_id is our
/// payment id (PayPal echoes it on captures and webhooks), a description naming the invoices.
/// </summary>
public sealed record NewPayPalOrder(
    Money Amount,
    string PaymentId,
    string Description,
    Uri ReturnUrl,
    Uri CancelUrl,
    string? InvoiceId = null,
    string? BrandName = null,
    string? Locale = null);

public sealed record PayPalOrder
{
    public string Id { get; init; } = "";
    public PayPalOrderStatus Status { get; init; }
    public string? Intent { get; init; }
    public IReadOnlyList<PayPalPurchaseUnit> PurchaseUnits { get; init; } = [];
    public PayPalPayer? Payer { get; init; }
    public IReadOnlyList<PayPalLink> Links { get; init; } = [];
    public DateTimeOffset? CreateTime { get; init; }
    public DateTimeOffset? UpdateTime { get; init; }

    // Where to send the payer: "payer-action" for orders created with an experience context, "approve" otherwise.
    [JsonIgnore]
    public Uri? ApproveUrl => Links.FirstOrDefault(l => l.Rel is "payer-action" or "approve") is { } link ? new Uri(link.Href) : null;

    [JsonIgnore]
    public IEnumerable<PayPalCapture> Captures => PurchaseUnits.SelectMany(u => u.Payments?.Captures ?? []);
}

public sealed record PayPalPurchaseUnit
{
    public string? ReferenceId { get; init; }
    public string? CustomId { get; init; }
    public string? InvoiceId { get; init; }
    public string? Description { get; init; }
    public PayPalMoney? Amount { get; init; }
    public PayPalPayments? Payments { get; init; }
}

public sealed record PayPalPayments
{
    public IReadOnlyList<PayPalCapture> Captures { get; init; } = [];
    public IReadOnlyList<PayPalRefund> Refunds { get; init; } = [];
}

public sealed record PayPalPayer
{
    public string? EmailAddress { get; init; }
    public string? PayerId { get; init; }
}
