using Portal.Domain.Invoices;

namespace Portal.Domain.Reminders;

/// <summary>Why an invoice gets no reminder. Each is a case where a reminder would be wrong, or could not reach anyone.</summary>
public enum CannotRemind
{
    NotIssued,
    Paid,
    Voided,
    /// <summary>A payment on it is disputed with the provider: the client contests it, a reminder would only inflame it.</summary>
    Disputed,
    /// <summary>The client's credit covers what is due, and the firm's automatic use of credit will spend it on this invoice.</summary>
    CoveredByCredit,
    /// <summary>A card or other payment for it is in flight: the money may be on its way.</summary>
    PaymentProcessing,
    /// <summary>A direct debit is scheduled or in flight: the scheme's pre-notification is what the client gets instead.</summary>
    DirectDebitScheduled,
    DoNotRemind,
    ClientPaused,
    ClientOptedOut,
    /// <summary>The client promised to pay by a date that has not passed.</summary>
    PromisedToPay,
    NoEmail,
}

/// <summary>What decides whether an invoice may be reminded, gathered by the caller from the invoice, its client and its payments.</summary>
public sealed record ReminderFacts(
    Invoice Invoice,
    string? ClientEmail,
    bool Disputed = false,
    Money? CreditAutoApplyWillUse = null,
    bool DirectDebitScheduled = false,
    bool ClientPaused = false,
    bool ClientOptedOut = false,
    DateOnly? PromisedBy = null)
{
    /// <summary>The facts as they stand now (the invoice read as it is at the time of the call).</summary>
    public ReminderStanding Standing() => new(InvoiceStanding.Of(Invoice), ClientEmail, Disputed, CreditAutoApplyWillUse, DirectDebitScheduled,
        ClientPaused, ClientOptedOut, PromisedBy);
}

/// <summary>
/// The never-remind rules: a reminder asks a client for money, so it goes only for an invoice still owed, with nothing
/// under way that will settle it, to a client who has an address and has not asked to be left alone.
/// </summary>
public static class ReminderRules
{
    /// <summary>The first reason the invoice may not be reminded on <paramref name="today"/>; null when it may.</summary>
    public static CannotRemind? WhyNot(ReminderFacts facts, DateOnly today) => WhyNot(facts.Standing(), today);

    /// <summary>The same rules for an invoice read as its <see cref="InvoiceStanding"/> (a sweep, the collections view).</summary>
    public static CannotRemind? WhyNot(ReminderStanding facts, DateOnly today)
    {
        var invoice = facts.Invoice;
        switch (invoice.Status)
        {
            case InvoiceStatus.Draft:
                return CannotRemind.NotIssued;
            case InvoiceStatus.Void:
                return CannotRemind.Voided;
            case InvoiceStatus.Paid:
                return CannotRemind.Paid;
            case InvoiceStatus.Open or InvoiceStatus.PartiallyPaid:
                break;
        }
        if (!invoice.AmountDue.IsPositive)
            return CannotRemind.Paid;
        if (facts.Disputed)
            return CannotRemind.Disputed;
        // A direct debit shows as pending money too: it is named first, so staff see why.
        if (facts.DirectDebitScheduled)
            return CannotRemind.DirectDebitScheduled;
        if (invoice.Pending.IsPositive)
            return CannotRemind.PaymentProcessing;
        if (facts.CreditAutoApplyWillUse is { } credit && credit >= invoice.AmountDue)
            return CannotRemind.CoveredByCredit;
        if (invoice.DoNotRemind)
            return CannotRemind.DoNotRemind;
        if (facts.ClientOptedOut)
            return CannotRemind.ClientOptedOut;
        if (facts.ClientPaused)
            return CannotRemind.ClientPaused;
        if (facts.PromisedBy is { } promised && promised >= today)
            return CannotRemind.PromisedToPay;
        if (string.IsNullOrWhiteSpace(facts.ClientEmail))
            return CannotRemind.NoEmail;
        return null;
    }

    /// <summary>Refuses, with the reason, a reminder that may not go (a "send reminder now" by hand).</summary>
    public static void EnsureRemindable(ReminderFacts facts, DateOnly today) => EnsureRemindable(facts.Standing(), today);

    /// <summary>Refuses, with the reason, a reminder that may not go (a "send reminder now" by hand).</summary>
    public static void EnsureRemindable(ReminderStanding facts, DateOnly today)
    {
        if (WhyNot(facts, today) is { } reason)
            throw new DomainException(Refusal(reason));
    }

    public static string Refusal(CannotRemind reason) => reason switch
    {
        CannotRemind.NotIssued => "A draft cannot be reminded: issue it first.",
        CannotRemind.Paid => "This invoice is paid: there is nothing to remind.",
        CannotRemind.Voided => "A void invoice cannot be reminded.",
        CannotRemind.Disputed => "A payment on this invoice is disputed: no reminder until the dispute is settled.",
        CannotRemind.CoveredByCredit => "The client's credit covers this invoice and will be used on it: no reminder.",
        CannotRemind.PaymentProcessing => "A payment for this invoice is processing: no reminder while it is under way.",
        CannotRemind.DirectDebitScheduled => "A direct debit is scheduled for this invoice: the client gets its notice instead of a reminder.",
        CannotRemind.DoNotRemind => "This invoice is set not to be reminded.",
        CannotRemind.ClientPaused => "Reminders are paused for this client.",
        CannotRemind.ClientOptedOut => "This client opted out of reminders.",
        CannotRemind.PromisedToPay => "The client promised to pay this invoice: no reminder until the promised date has passed.",
        CannotRemind.NoEmail => "Cannot be reminded: no email.",
    };
}
