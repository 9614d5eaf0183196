namespace Portal.Domain.Clients;

/// <summary>
/// A client's say over reminders: paused (staff hold them for a while), opted out (the client asked for none), or a
/// promise to pay by a date, which holds reminders until that date has passed.
/// </summary>
public sealed partial class ClientAccount
{
    public const int MaxPromiseNoteLength = 500;

    public bool RemindersPaused { get; private set; }
    public bool RemindersOptedOut { get; private set; }
    public DateOnly? PromisedToPayBy { get; private set; }
    public string? PromiseNote { get; private set; }

    /// <summary>The client gets its statement of account by email at the start of each month, for the month before.</summary>
    public bool MonthlyStatements { get; private set; }

    public void ChangeMonthlyStatements(bool monthly) => MonthlyStatements = monthly;

    /// <summary>What the client asked to pay automatically with (see <see cref="Payments.AutomaticPaymentRule"/>).</summary>
    public Payments.AutomaticPaymentChoice AutomaticPayment { get; private set; }

    public void ChooseAutomaticPayment(Payments.AutomaticPaymentChoice choice)
    {
        if (!Enum.IsDefined(choice))
            throw new DomainException("Choose how to pay automatically: card, direct debit, either, or not at all.");
        AutomaticPayment = choice;
    }

    public void ChangeReminders(bool paused, bool optedOut)
    {
        RemindersPaused = paused;
        RemindersOptedOut = optedOut;
    }

    /// <summary>Records the client's promise to pay by <paramref name="by"/>; a promise for a day already past is refused.</summary>
    public void PromiseToPay(DateOnly by, string? note, DateOnly today)
    {
        if (by < today)
            throw new DomainException("A promise to pay is for today or a later day.");
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > MaxPromiseNoteLength })
            throw new DomainException($"A note has at most {MaxPromiseNoteLength} characters.");
        PromisedToPayBy = by;
        PromiseNote = note;
    }

    public void ClearPromise()
    {
        PromisedToPayBy = null;
        PromiseNote = null;
    }
}
