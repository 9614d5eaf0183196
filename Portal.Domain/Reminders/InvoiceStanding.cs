using Portal.Domain.Invoices;

namespace Portal.Domain.Reminders;

/// <summary>
/// The few columns of an invoice that deciding a reminder needs: a sweep over a large firm reads just these from the
/// database instead of whole invoices with their lines.
/// </summary>
public readonly record struct InvoiceStanding(Guid Id, Guid FirmId, Guid ClientAccountId, Currency Currency, InvoiceStatus Status, DateOnly DueDate,
    long TotalMinor, long CreditedMinor, long PaidMinor, long PendingMinor, bool DoNotRemind)
{
    public static InvoiceStanding Of(Invoice invoice) => new(invoice.Id, invoice.FirmId, invoice.ClientAccountId, invoice.Currency, invoice.Status,
        invoice.DueDate, invoice.TotalMinor, invoice.CreditedMinor, invoice.PaidMinor, invoice.PendingMinor, invoice.DoNotRemind);

    /// <summary>The same figure as <see cref="Invoice.AmountDue"/>.</summary>
    public Money AmountDue => new(Status == InvoiceStatus.Void ? 0 : TotalMinor - CreditedMinor - PaidMinor, Currency);

    public Money Pending => new(PendingMinor, Currency);
}

/// <summary>What the never-remind rules look at, for an invoice read as its <see cref="InvoiceStanding"/>.</summary>
public sealed record ReminderStanding(
    InvoiceStanding Invoice,
    string? ClientEmail,
    bool Disputed = false,
    Money? CreditAutoApplyWillUse = null,
    bool DirectDebitScheduled = false,
    bool ClientPaused = false,
    bool ClientOptedOut = false,
    DateOnly? PromisedBy = null);
