using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Recurring;

namespace Portal.Recurring;

/// <summary>What staff fill in for a schedule, on creation and on each edit.</summary>
public sealed record ScheduleInput(
    Guid ClientAccountId, string CurrencyCode, string? Reference, IReadOnlyList<InvoiceLineInput> Lines,
    RecurrenceInterval Interval, int EveryMonths, int AnchorDay, DateOnly Start, DateOnly? EndDate, int? Count,
    int IssueDaysBefore, int DueDays, bool AutoSend, bool AutoCollect)
{
    public RecurrenceRule Rule() => new(Interval, EveryMonths, AnchorDay, Start, EndDate, Count, IssueDaysBefore, DueDays);
}

/// <summary>One row of the schedules list.</summary>
public sealed record ScheduleRow(Guid Id, Guid ClientAccountId, string ClientName, string? Reference, Money Total, RecurrenceInterval Interval, int EveryMonths,
    DateOnly? NextIssueOn, ScheduleStatus Status, Money MonthlyRecurring);

/// <summary>An invoice a schedule made, for the schedule's page.</summary>
public sealed record GeneratedInvoiceRow(Guid InvoiceId, string? Number, DateOnly PeriodStart, DateOnly PeriodEnd, Money Total, InvoiceStatus Status, DateOnly IssueDate);

/// <summary>Staff actions on recurring schedules. Every move is the schedule's own rule; a refused one changes nothing.</summary>
public sealed class RecurringSchedules(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, AuditRecorder audit)
{
    public const int PreviewCount = 12;

    public async Task<Guid> CreateAsync(ScheduleInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var client = await db.ClientAccounts.SingleOrDefaultAsync(c => c.Id == input.ClientAccountId, cancellationToken) ?? throw new NotFoundException("client");
        var schedule = new RecurringSchedule(client, Currency.FromCode(input.CurrencyCode), input.Reference, input.Lines, input.Rule(), input.AutoSend, input.AutoCollect, clock.GetUtcNow());
        db.RecurringSchedules.Add(schedule);
        audit.Record(db, "Recurring schedule created", "RecurringSchedule", schedule.Id, null, Describe(schedule));
        await db.SaveChangesAsync(cancellationToken);
        return schedule.Id;
    }

    /// <summary>Applies from the next invoice; the client and currency of a schedule are fixed.</summary>
    public Task UpdateAsync(Guid scheduleId, ScheduleInput input, CancellationToken cancellationToken = default) =>
        ChangeAsync(scheduleId, "Recurring schedule changed", schedule =>
        {
            if (schedule.ClientAccountId != input.ClientAccountId || schedule.Currency != Currency.FromCode(input.CurrencyCode))
                throw new DomainException("The client and currency of a schedule are fixed; end it and make a new one.");
            schedule.Change(input.Reference, input.Lines, input.Rule(), input.AutoSend, input.AutoCollect);
        }, cancellationToken);

    public Task PauseAsync(Guid scheduleId, CancellationToken cancellationToken = default) =>
        ChangeAsync(scheduleId, "Recurring schedule paused", s => s.Pause(), cancellationToken);

    public Task ResumeAsync(Guid scheduleId, CancellationToken cancellationToken = default) =>
        ChangeAsync(scheduleId, "Recurring schedule resumed", (s, today) => s.Resume(today), cancellationToken);

    public Task SkipNextAsync(Guid scheduleId, CancellationToken cancellationToken = default) =>
        ChangeAsync(scheduleId, "Recurring schedule: next invoice skipped", s => s.SkipNext(clock.GetUtcNow()), cancellationToken);

    public Task EndAsync(Guid scheduleId, CancellationToken cancellationToken = default) =>
        ChangeAsync(scheduleId, "Recurring schedule ended", s => s.End(clock.GetUtcNow()), cancellationToken);

    public async Task<RecurringSchedule> GetAsync(Guid scheduleId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.RecurringSchedules.AsNoTracking().SingleOrDefaultAsync(s => s.Id == scheduleId, cancellationToken) ?? throw new NotFoundException("schedule");
    }

    public async Task<IReadOnlyList<ScheduleRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var schedules = await db.RecurringSchedules.AsNoTracking().ToListAsync(cancellationToken);
        var names = await db.ClientAccounts.AsNoTracking().Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        return schedules
            .OrderBy(s => s.Status).ThenBy(s => s.NextIssueOn).ThenBy(s => names.GetValueOrDefault(s.ClientAccountId), StringComparer.CurrentCultureIgnoreCase)
            .Select(s => new ScheduleRow(s.Id, s.ClientAccountId, names.GetValueOrDefault(s.ClientAccountId) ?? "", s.Reference, s.Total, s.Interval, s.EveryMonths, s.NextIssueOn, s.Status, s.MonthlyRecurring))
            .ToList();
    }

    /// <summary>Monthly recurring revenue of the active schedules, one figure per currency.</summary>
    public static IReadOnlyList<Money> MonthlyRecurringRevenue(IEnumerable<ScheduleRow> rows) => rows
        .Where(r => r.Status == ScheduleStatus.Active)
        .GroupBy(r => r.MonthlyRecurring.Currency)
        .Select(g => new Money(g.Sum(r => r.MonthlyRecurring.Minor), g.Key))
        .OrderBy(m => m.Currency.Code, StringComparer.Ordinal)
        .ToList();

    public async Task<IReadOnlyList<GeneratedInvoiceRow>> GeneratedAsync(Guid scheduleId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await (from g in db.RecurringInvoices.AsNoTracking()
                          join i in db.Invoices.AsNoTracking() on g.InvoiceId equals i.Id
                          where g.ScheduleId == scheduleId
                          select new { g.PeriodStart, g.PeriodEnd, Invoice = i }).ToListAsync(cancellationToken);
        return rows.OrderByDescending(r => r.PeriodStart)
            .Select(r => new GeneratedInvoiceRow(r.Invoice.Id, r.Invoice.Number, r.PeriodStart, r.PeriodEnd, r.Invoice.Total, r.Invoice.Status, r.Invoice.IssueDate))
            .ToList();
    }

    private Task ChangeAsync(Guid scheduleId, string action, Action<RecurringSchedule> change, CancellationToken cancellationToken) =>
        ChangeAsync(scheduleId, action, (s, _) => change(s), cancellationToken);

    private async Task ChangeAsync(Guid scheduleId, string action, Action<RecurringSchedule, DateOnly> change, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var schedule = await db.RecurringSchedules.SingleOrDefaultAsync(s => s.Id == scheduleId, cancellationToken) ?? throw new NotFoundException("schedule");
        var firm = await db.Firms.AsNoTracking().SingleAsync(f => f.Id == schedule.FirmId, cancellationToken);
        var before = Describe(schedule);
        change(schedule, firm.LocalToday(clock.GetUtcNow()));
        audit.Record(db, action, "RecurringSchedule", schedule.Id, before, Describe(schedule));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The generator (or another member of staff) moved the schedule meanwhile: nothing of this change is kept.
            throw new DomainException("This schedule changed meanwhile (an invoice may just have been made); look again and retry.");
        }
    }

    private static string Describe(RecurringSchedule s) =>
        $"{s.Status} {s.Total} {s.Interval}{(s.Interval == RecurrenceInterval.EveryNMonths ? $"/{s.EveryMonths}" : "")} day {s.AnchorDay} from {s.StartDate:yyyy-MM-dd}" +
        $"{(s.EndDate is { } end ? $" to {end:yyyy-MM-dd}" : "")}{(s.Count is { } count ? $" x{count}" : "")}, next {s.NextIssueOn:yyyy-MM-dd}" +
        $", send {(s.AutoSend ? "on" : "off")}, collect {(s.AutoCollect ? "on" : "off")}";
}
