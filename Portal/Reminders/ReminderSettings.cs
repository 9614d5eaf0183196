using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain.Firms;
using Portal.Domain.Reminders;

namespace Portal.Reminders;

/// <summary>Staff changes to who is reminded and when: the firm's schedule (owners), a client's pause or opt-out, an invoice's "do not remind".</summary>
public sealed class ReminderSettings(IDbContextFactory<PortalDbContext> dbFactory, AuditRecorder audit, TimeProvider clock)
{
    public async Task<(ReminderPolicy Policy, string TimeZone)> CurrentAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        return (firm.Reminders, firm.TimeZone);
    }

    /// <summary>Owner: the schedule and the firm's time zone. Refused, with nothing saved, when a step falls out of order or the zone is unknown.</summary>
    public async Task SaveAsync(ReminderPolicy policy, string timeZone, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        var before = Describe(firm.Reminders, firm.TimeZone);
        firm.ChangeReminders(Copy(policy));
        firm.ChangeTimeZone(timeZone);
        audit.Record(db, "Reminder schedule changed", "Firm", firm.Id, before, Describe(firm.Reminders, firm.TimeZone));
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task SetClientAsync(Guid clientAccountId, bool paused, bool optedOut, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var client = await db.ClientAccounts.SingleOrDefaultAsync(c => c.Id == clientAccountId, cancellationToken) ?? throw new NotFoundException("client");
        client.ChangeReminders(paused, optedOut);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Whether the client gets its statement of account by email each month (see <see cref="Statements.StatementEmails"/>).</summary>
    public async Task SetMonthlyStatementsAsync(Guid clientAccountId, bool monthly, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var client = await db.ClientAccounts.SingleOrDefaultAsync(c => c.Id == clientAccountId, cancellationToken) ?? throw new NotFoundException("client");
        client.ChangeMonthlyStatements(monthly);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task SetInvoiceAsync(Guid invoiceId, bool doNotRemind, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.Id == invoiceId, cancellationToken) ?? throw new NotFoundException("invoice");
        invoice.SetDoNotRemind(doNotRemind);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The client promised to pay by <paramref name="by"/>: reminders wait until that day has passed.</summary>
    public async Task PromiseAsync(Guid clientAccountId, DateOnly by, string? note, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var client = await db.ClientAccounts.SingleOrDefaultAsync(c => c.Id == clientAccountId, cancellationToken) ?? throw new NotFoundException("client");
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        client.PromiseToPay(by, note, firm.LocalToday(clock.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
    }

    // The page edits its own instance; the firm keeps a copy of what was validated.
    private static ReminderPolicy Copy(ReminderPolicy p) => new()
    {
        Enabled = p.Enabled,
        UpcomingOn = p.UpcomingOn, UpcomingOffset = p.UpcomingOffset,
        DueTodayOn = p.DueTodayOn, DueTodayOffset = p.DueTodayOffset,
        OverdueOn = p.OverdueOn, OverdueOffset = p.OverdueOffset,
        SecondNoticeOn = p.SecondNoticeOn, SecondNoticeOffset = p.SecondNoticeOffset,
        FinalNoticeOn = p.FinalNoticeOn, FinalNoticeOffset = p.FinalNoticeOffset,
        LateInterestShown = p.LateInterestShown, LateInterestBasisPoints = p.LateInterestBasisPoints,
    };

    private static string Describe(ReminderPolicy p, string timeZone) =>
        $"reminders {(p.Enabled ? "on" : "off")} ({timeZone}): " +
        string.Join(", ", Enum.GetValues<ReminderStep>().Select(s => $"{s} {(p.IsOn(s) ? p.Offset(s).ToString("+0;-0;0", System.Globalization.CultureInfo.InvariantCulture) : "off")}")) +
        $"; late interest {(p.LateInterestShown ? $"{p.LateInterestBasisPoints} bp" : "off")}";
}
