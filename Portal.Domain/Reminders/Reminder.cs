using Portal.Domain.Invoices;

namespace Portal.Domain.Reminders;

public enum ReminderStatus { Queued, Sending, Sent, Cancelled }

/// <summary>
/// One reminder of one invoice: decided by a sweep (or by staff, "send reminder now"), then sent or cancelled. A
/// scheduled reminder's <see cref="Key"/> is the invoice and its step, unique per firm, so however many sweeps run on
/// however many instances, an invoice gets each step once. Sending is claimed with a lease: a sender that stops
/// mid-way leaves it to the next one, and the email's own key stops a second email.
/// </summary>
public sealed class Reminder : IClientOwned
{
    public const int MaxKeyLength = 80;

    private Reminder() { }

    private Reminder(Invoice invoice, ReminderStep step, DateOnly day, string key, string? requestedBy, DateTimeOffset now)
        : this(InvoiceStanding.Of(invoice), step, day, key, requestedBy, now)
    {
    }

    private Reminder(InvoiceStanding invoice, ReminderStep step, DateOnly day, string key, string? requestedBy, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7();
        FirmId = invoice.FirmId;
        ClientAccountId = invoice.ClientAccountId;
        InvoiceId = invoice.Id;
        Step = step;
        Day = day;
        Key = key;
        RequestedBy = requestedBy is { Length: > 200 } ? requestedBy[..200] : requestedBy;
        Status = ReminderStatus.Queued;
        QueuedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    public Guid InvoiceId { get; private set; }
    /// <summary>The step of the schedule, and so the template, this reminder is.</summary>
    public ReminderStep Step { get; private set; }
    /// <summary>The firm's local day it was decided on.</summary>
    public DateOnly Day { get; private set; }
    public string Key { get; private set; } = "";
    /// <summary>The member of staff who sent it by hand; null for the schedule.</summary>
    public string? RequestedBy { get; private set; }
    public ReminderStatus Status { get; private set; }
    public DateTimeOffset QueuedAt { get; private set; }
    public DateTimeOffset? LeaseUntil { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public string? Recipient { get; private set; }
    public CannotRemind? CancelledBecause { get; private set; }

    public static string ScheduledKey(Guid invoiceId, ReminderStep step) => $"{invoiceId:N}:{step}";

    /// <summary>The schedule's reminder for <paramref name="step"/>, the one of its kind for this invoice.</summary>
    public static Reminder Scheduled(Invoice invoice, ReminderStep step, DateOnly day, DateTimeOffset now) =>
        new(invoice, step, day, ScheduledKey(invoice.Id, step), null, now);

    public static Reminder Scheduled(InvoiceStanding invoice, ReminderStep step, DateOnly day, DateTimeOffset now) =>
        new(invoice, step, day, ScheduledKey(invoice.Id, step), null, now);

    /// <summary>A reminder sent by hand: each is its own, and does not take the place of the schedule's next step.</summary>
    public static Reminder Manual(Invoice invoice, ReminderStep step, DateOnly day, string requestedBy, DateTimeOffset now)
    {
        var reminder = new Reminder(invoice, step, day, "", requestedBy, now);
        reminder.Key = $"{invoice.Id:N}:manual:{reminder.Id:N}";
        return reminder;
    }

    public void MarkSent(string recipient, DateTimeOffset at)
    {
        if (Status is ReminderStatus.Sent or ReminderStatus.Cancelled)
            throw new DomainException("This reminder has already been dealt with.");
        Status = ReminderStatus.Sent;
        Recipient = recipient;
        SentAt = at;
        LeaseUntil = null;
    }

    /// <summary>Something changed between the decision and the send (a payment arrived, the client opted out): it does not go.</summary>
    public void Cancel(CannotRemind because)
    {
        if (Status is ReminderStatus.Sent or ReminderStatus.Cancelled)
            throw new DomainException("This reminder has already been dealt with.");
        Status = ReminderStatus.Cancelled;
        CancelledBecause = because;
        LeaseUntil = null;
    }
}
