namespace Portal.Domain.OutgoingWebhooks;

/// <summary>
/// The events Portal sends to a firm's webhook endpoints: each raised from the change itself, in the same
/// transaction, so an endpoint never hears of a change that rolled back nor misses one that committed (even
/// <see cref="InvoiceOverdue"/>, whose change is the invoice noting it was announced).
/// </summary>
public static class OutgoingEventTypes
{
    public const string ClientCreated = "client.created";
    public const string InvoiceIssued = "invoice.issued";
    public const string InvoicePartiallyPaid = "invoice.partially_paid";
    public const string InvoicePaid = "invoice.paid";
    public const string InvoiceVoided = "invoice.voided";
    /// <summary>Raised once when an open invoice's due date has passed in the firm's time zone (by the hourly sweep, not by a change).</summary>
    public const string InvoiceOverdue = "invoice.overdue";
    public const string PaymentSucceeded = "payment.succeeded";
    public const string PaymentFailed = "payment.failed";
    public const string PaymentRefunded = "payment.refunded";
    public const string CreditAdded = "credit.added";
    public const string CreditApplied = "credit.applied";
    public const string MandateActive = "mandate.active";
    public const string MandateCancelled = "mandate.cancelled";

    public static readonly IReadOnlyList<string> All =
    [
        ClientCreated, InvoiceIssued, InvoicePartiallyPaid, InvoicePaid, InvoiceVoided, InvoiceOverdue,
        PaymentSucceeded, PaymentFailed, PaymentRefunded, CreditAdded, CreditApplied, MandateActive, MandateCancelled,
    ];

    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}
