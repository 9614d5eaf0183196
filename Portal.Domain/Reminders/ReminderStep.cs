namespace Portal.Domain.Reminders;

/// <summary>The steps of a firm's reminder schedule, in the order they fall around an invoice's due date.</summary>
public enum ReminderStep { Upcoming, DueToday, Overdue, SecondNotice, FinalNotice }
