using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Invoices;
using Portal.Domain.Reminders;

namespace Portal.Reminders;

/// <summary>Where an invoice stands with reminders: the last one sent, the next the schedule will send, or why none can go.</summary>
public sealed record ReminderOutlook(ReminderStep? LastStep, DateTimeOffset? LastSentAt, ReminderStep? NextStep, DateOnly? NextDay, CannotRemind? Blocked)
{
    /// <summary>Reads it for one invoice of the firm the context acts for.</summary>
    public static async Task<ReminderOutlook> ForAsync(PortalDbContext db, Invoice invoice, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        var today = firm.LocalToday(now);
        var last = await db.Reminders.AsNoTracking().Where(r => r.InvoiceId == invoice.Id && r.Status == ReminderStatus.Sent)
            .OrderByDescending(r => r.SentAt).Select(r => new { r.Step, r.SentAt }).FirstOrDefaultAsync(cancellationToken);
        var blocked = invoice.IsIssued || invoice.Status == InvoiceStatus.Void
            ? ReminderRules.WhyNot((await ReminderCircumstances.ReadAsync(db, firm, [invoice], cancellationToken)).For(invoice), today)
            : CannotRemind.NotIssued;
        var next = blocked is null ? firm.Reminders.NextAfter(invoice.DueDate, today) : null;
        return new(last?.Step, last?.SentAt, next?.Step, next?.Day, blocked);
    }
}
