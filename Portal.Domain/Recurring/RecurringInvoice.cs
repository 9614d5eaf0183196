using Portal.Domain.Invoices;

namespace Portal.Domain.Recurring;

/// <summary>
/// The invoice a schedule made for one of its periods. Unique per (schedule, period start): however many generators run
/// on however many instances, and whatever restarts them, a period is invoiced once.
/// </summary>
public sealed class RecurringInvoice : IClientOwned
{
    private RecurringInvoice() { }

    public RecurringInvoice(RecurringSchedule schedule, SchedulePeriod period, Invoice invoice, DateTimeOffset now)
    {
        if (invoice.ClientAccountId != schedule.ClientAccountId)
            throw new DomainException("A schedule invoices its own client.");
        Id = Guid.CreateVersion7();
        FirmId = schedule.FirmId;
        ClientAccountId = schedule.ClientAccountId;
        ScheduleId = schedule.Id;
        PeriodIndex = period.Index;
        PeriodStart = period.Start;
        PeriodEnd = period.End;
        InvoiceId = invoice.Id;
        GeneratedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    public Guid ScheduleId { get; private set; }
    public int PeriodIndex { get; private set; }
    public DateOnly PeriodStart { get; private set; }
    public DateOnly PeriodEnd { get; private set; }
    public Guid InvoiceId { get; private set; }
    public DateTimeOffset GeneratedAt { get; private set; }

    /// <summary>The email of a generated invoice is keyed by its schedule and period, so it is queued once per period.</summary>
    public static string EmailKey(Guid scheduleId, DateOnly periodStart) => $"recurring:{scheduleId:N}:{periodStart:yyyyMMdd}";
}
