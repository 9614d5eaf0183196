namespace Portal.Domain.Reminders;

/// <summary>
/// A firm's reminder schedule: each step on or off, on a day counted from the due date (−3 = three days before), and
/// whether overdue reminders show the French B2B late-payment interest and the €40 recovery indemnity. Off until the
/// owner turns it on: reminders are emails to a firm's clients, which no firm should get without asking.
/// </summary>
public sealed class ReminderPolicy
{
    public const int EarliestOffset = -60;
    public const int LatestOffset = 365;
    /// <summary>
    /// A step missed while no sweep ran (an outage, the policy turned on late) is still sent this many days after its
    /// day, never later: a "due in 3 days" that arrives a month late helps nobody.
    /// </summary>
    public const int CatchUpDays = 7;

    public bool Enabled { get; set; }
    public bool UpcomingOn { get; set; } = true;
    public int UpcomingOffset { get; set; } = -3;
    public bool DueTodayOn { get; set; } = true;
    public int DueTodayOffset { get; set; }
    public bool OverdueOn { get; set; } = true;
    public int OverdueOffset { get; set; } = 7;
    public bool SecondNoticeOn { get; set; } = true;
    public int SecondNoticeOffset { get; set; } = 15;
    public bool FinalNoticeOn { get; set; } = true;
    public int FinalNoticeOffset { get; set; } = 30;
    /// <summary>Overdue reminders of euro invoices show the late-payment interest and the €40 indemnity (French B2B, Code de commerce L441-10).</summary>
    public bool LateInterestShown { get; set; }
    /// <summary>The yearly late-payment interest rate in basis points (1215 = 12.15 %: the ECB rate plus 10 points).</summary>
    public int LateInterestBasisPoints { get; set; } = 1215;

    public static int DefaultOffset(ReminderStep step) => new ReminderPolicy().Offset(step);

    public int Offset(ReminderStep step) => step switch
    {
        ReminderStep.Upcoming => UpcomingOffset,
        ReminderStep.DueToday => DueTodayOffset,
        ReminderStep.Overdue => OverdueOffset,
        ReminderStep.SecondNotice => SecondNoticeOffset,
        ReminderStep.FinalNotice => FinalNoticeOffset,
    };

    public bool IsOn(ReminderStep step) => step switch
    {
        ReminderStep.Upcoming => UpcomingOn,
        ReminderStep.DueToday => DueTodayOn,
        ReminderStep.Overdue => OverdueOn,
        ReminderStep.SecondNotice => SecondNoticeOn,
        ReminderStep.FinalNotice => FinalNoticeOn,
    };

    /// <summary>The steps that are on, in schedule order.</summary>
    public IReadOnlyList<ReminderStep> Steps => [.. Enum.GetValues<ReminderStep>().Where(IsOn)];

    /// <summary>The day a step falls on for an invoice due on <paramref name="dueDate"/>.</summary>
    public DateOnly DayOf(ReminderStep step, DateOnly dueDate) => dueDate.AddDays(Offset(step));

    /// <summary>
    /// The step an invoice due on <paramref name="dueDate"/> is at on <paramref name="today"/> (the firm's local day): the
    /// latest step that is on and whose day has come, within <see cref="CatchUpDays"/>; null when none. Earlier steps a
    /// sweep missed are not sent late on top of it: the client gets the one that matches where the invoice stands.
    /// </summary>
    public ReminderStep? StepOn(DateOnly dueDate, DateOnly today)
    {
        if (!Enabled)
            return null;
        ReminderStep? current = null;
        foreach (var step in Steps)
            if (DayOf(step, dueDate) <= today)
                current = step;
        return current is { } found && today.DayNumber - DayOf(found, dueDate).DayNumber <= CatchUpDays ? found : null;
    }

    /// <summary>The next step still to come after <paramref name="today"/>, and its day; null when the schedule is over.</summary>
    public (ReminderStep Step, DateOnly Day)? NextAfter(DateOnly dueDate, DateOnly today)
    {
        if (!Enabled)
            return null;
        foreach (var step in Steps)
            if (DayOf(step, dueDate) > today)
                return (step, DayOf(step, dueDate));
        return null;
    }

    /// <summary>The template step for a reminder sent by hand today: where the schedule stands, or "upcoming"/"overdue" by the date.</summary>
    public ReminderStep StepForManual(DateOnly dueDate, DateOnly today)
    {
        ReminderStep? current = null;
        foreach (var step in Enum.GetValues<ReminderStep>())
            if (DayOf(step, dueDate) <= today)
                current = step;
        return current ?? ReminderStep.Upcoming;
    }

    public void Validate()
    {
        foreach (var step in Enum.GetValues<ReminderStep>())
            if (Offset(step) is < EarliestOffset or > LatestOffset)
                throw new DomainException($"A reminder falls between {EarliestOffset} and {LatestOffset} days from the due date.");
        var days = Enum.GetValues<ReminderStep>().Select(Offset).ToList();
        for (var i = 1; i < days.Count; i++)
            if (days[i] <= days[i - 1])
                throw new DomainException("Each reminder step falls after the one before it.");
        if (LateInterestBasisPoints is < 0 or > 10_000)
            throw new DomainException("A late-payment interest rate is between 0% and 100% a year.");
    }

    /// <summary>
    /// The late-payment interest on <paramref name="due"/> for the days since the due date (simple interest, a 365-day
    /// year, rounded to the minor unit) and the fixed €40 recovery indemnity; null when not shown (off, not late, not euros).
    /// </summary>
    public LateCharges? LateChargesOn(Money due, DateOnly dueDate, DateOnly today)
    {
        var daysLate = today.DayNumber - dueDate.DayNumber;
        if (!LateInterestShown || daysLate <= 0 || due.Currency.Code != "EUR" || !due.IsPositive)
            return null;
        // Whole minor units throughout, half rounded up: Int128 holds amount × rate × days for any invoice.
        var denominator = (Int128)10_000 * 365;
        var interest = (long)(((Int128)due.Minor * LateInterestBasisPoints * daysLate + denominator / 2) / denominator);
        return new LateCharges(new Money(interest, due.Currency), new Money(40_00, due.Currency), daysLate, LateInterestBasisPoints);
    }
}

/// <summary>What a late payer owes on top of the invoice under French law, shown on an overdue reminder.</summary>
public sealed record LateCharges(Money Interest, Money Indemnity, int DaysLate, int RateBasisPoints)
{
    public Money Total => Interest + Indemnity;
}
