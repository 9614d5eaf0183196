namespace Portal.Email.Templates;

/// <summary>The emails a firm can word itself, each in English and French.</summary>
public enum EmailTemplateKind
{
    /// <summary>To the client: a new invoice, with its pay link (required).</summary>
    InvoiceIssued,
    /// <summary>To the client: a payment confirmed.</summary>
    Receipt,
    /// <summary>To the client: a payment in flight failed (a direct debit refused), with what to do next.</summary>
    PaymentFailed,
    /// <summary>To the client: money taken back after it was confirmed (late direct-debit failure, chargeback).</summary>
    PaymentReversed,
    /// <summary>To the client: a direct debit will be collected (pre-notification).</summary>
    UpcomingCollection,
    /// <summary>To the client: a prepayment reached their credit.</summary>
    CreditAdded,
    /// <summary>To the firm's staff: a payment confirmed.</summary>
    StaffPaymentReceived,
    /// <summary>To the firm's staff: a payment failed or was reversed.</summary>
    StaffPaymentFailed,
    /// <summary>To the firm's staff: yesterday's payments in one email.</summary>
    StaffDigest,
    /// <summary>To the client: a reminder a few days before the due date, with its pay link (required).</summary>
    ReminderUpcoming,
    /// <summary>To the client: a reminder on the due date, with its pay link (required).</summary>
    ReminderDueToday,
    /// <summary>To the client: the first reminder after the due date, with its pay link (required).</summary>
    ReminderOverdue,
    /// <summary>To the client: the second notice, with its pay link (required).</summary>
    ReminderSecondNotice,
    /// <summary>To the client: the final notice, with its pay link (required).</summary>
    ReminderFinalNotice,
    /// <summary>To the client: a statement of account (PDF attached), on demand or monthly, with a link that pays the balance.</summary>
    Statement,
    /// <summary>To the client: a refund did not reach their card, and the amount is their credit meanwhile.</summary>
    RefundFailed,
}
