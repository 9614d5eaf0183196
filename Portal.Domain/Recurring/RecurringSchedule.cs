using Portal.Domain.Clients;
using Portal.Domain.Invoices;

namespace Portal.Domain.Recurring;

public enum ScheduleStatus { Active, Paused, Ended }

/// <summary>A line a schedule puts on each of its invoices.</summary>
public sealed class RecurringLine
{
    private RecurringLine() { }

    internal RecurringLine(int position, InvoiceLineInput input)
    {
        // The invoice's own line rules, checked now rather than when the first invoice is made.
        var checkedLine = InvoiceLine.Preview(position, input);
        Id = Guid.CreateVersion7();
        Position = position;
        Description = checkedLine.Description;
        Quantity = checkedLine.Quantity;
        UnitPriceMinor = checkedLine.UnitPriceMinor;
        TaxRateBasisPoints = checkedLine.TaxRateBasisPoints;
        TotalMinor = checkedLine.TotalMinor;
    }

    public Guid Id { get; private set; }
    public int Position { get; private set; }
    public string Description { get; private set; } = "";
    public decimal Quantity { get; private set; }
    public long UnitPriceMinor { get; private set; }
    public int TaxRateBasisPoints { get; private set; }
    /// <summary>Net plus tax, rounded as the invoice line will be.</summary>
    public long TotalMinor { get; private set; }

    public InvoiceLineInput ToInput() => new(Description, Quantity, UnitPriceMinor, TaxRateBasisPoints);
}

/// <summary>
/// Invoices a client on a rhythm (<see cref="RecurrenceRule"/>). It walks through its periods in order:
/// <see cref="NextPeriodIndex"/> is the one whose invoice comes next, and only <see cref="RecordGenerated"/> or
/// <see cref="SkipNext"/> move it, so each period is invoiced at most once; the database's unique key on the generated
/// (schedule, period start) row holds that across instances. An edit changes what the next invoices carry, never an
/// invoice already made. Paused, a schedule makes nothing and, when resumed, picks up with the first period not yet
/// due: the periods of the pause are not billed. Ended is final.
/// </summary>
public sealed class RecurringSchedule : IClientOwned
{
    public const int MaxLines = 50;
    private readonly List<RecurringLine> _lines = [];

    private RecurringSchedule() { }

    public RecurringSchedule(ClientAccount client, Currency currency, string? reference, IEnumerable<InvoiceLineInput> lines, RecurrenceRule rule,
        bool autoSend, bool autoCollect, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7();
        FirmId = client.FirmId;
        ClientAccountId = client.Id;
        if (currency != client.Currency)
            throw new DomainException($"{client.Name} is invoiced in {client.Currency}; a schedule in {currency} cannot be made for this client.");
        Currency = currency;
        Status = ScheduleStatus.Active;
        CreatedAt = now;
        Change(reference, lines, rule, autoSend, autoCollect);
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    public Currency Currency { get; private set; }
    public string? Reference { get; private set; }
    public RecurrenceInterval Interval { get; private set; }
    public int EveryMonths { get; private set; }
    public int AnchorDay { get; private set; }
    public DateOnly StartDate { get; private set; }
    public DateOnly? EndDate { get; private set; }
    public int? Count { get; private set; }
    public int IssueDaysBefore { get; private set; }
    public int DueDays { get; private set; }
    /// <summary>Email each new invoice to the client, through the usual invoice email with its pay link.</summary>
    public bool AutoSend { get; private set; }
    /// <summary>Hand each new invoice to direct-debit collection when the client has a usable mandate.</summary>
    public bool AutoCollect { get; private set; }
    public ScheduleStatus Status { get; private set; }
    public int NextPeriodIndex { get; private set; }
    /// <summary>The local day the next invoice is planned for; null once ended. Kept so the generator finds what is due with one index.</summary>
    public DateOnly? NextIssueOn { get; private set; }
    /// <summary>End of the last period invoiced or skipped: an edited rhythm picks up with its first period starting after it, so no day is billed twice.</summary>
    public DateOnly? LastPeriodEnd { get; private set; }
    public int GeneratedCount { get; private set; }
    public long TotalMinor { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    /// <summary>Changed on every write, so a staff edit and the generator cannot overwrite each other.</summary>
    public Guid Version { get; private set; } = Guid.NewGuid();
    public IReadOnlyList<RecurringLine> Lines => _lines;

    public Money Total => new(TotalMinor, Currency);
    public RecurrenceRule Rule => new(Interval, EveryMonths, AnchorDay, StartDate, EndDate, Count, IssueDaysBefore, DueDays);
    public SchedulePeriod? NextPeriod => Status == ScheduleStatus.Ended ? null : Rule.Period(NextPeriodIndex);

    /// <summary>
    /// What the schedule brings in per month, for the MRR: weekly × 52 ÷ 12, quarterly ÷ 3, yearly ÷ 12, every N months ÷ N,
    /// rounded down to the minor unit. Nothing once ended or paused.
    /// </summary>
    public Money MonthlyRecurring => new(Status != ScheduleStatus.Active ? 0 : Interval switch
    {
        RecurrenceInterval.Weekly => TotalMinor * 52 / 12,
        RecurrenceInterval.Monthly or RecurrenceInterval.Quarterly or RecurrenceInterval.Yearly or RecurrenceInterval.EveryNMonths => TotalMinor / EveryMonths,
    }, Currency);

    /// <summary>Edits the lines, the rhythm and the options; they apply from the next invoice. Not once the schedule has ended.</summary>
    public void Change(string? reference, IEnumerable<InvoiceLineInput> lines, RecurrenceRule rule, bool autoSend, bool autoCollect)
    {
        if (Status == ScheduleStatus.Ended)
            throw new DomainException("This schedule has ended and cannot be changed; make a new one.");
        if (reference?.Length > 100)
            throw new DomainException("A reference has at most 100 characters.");
        var built = lines.Select((line, index) => new RecurringLine(index + 1, line)).ToList();
        if (built.Count == 0)
            throw new DomainException("A schedule needs at least one line.");
        if (built.Count > MaxLines)
            throw new DomainException($"A schedule has at most {MaxLines} lines.");
        var total = checked(built.Sum(l => l.TotalMinor));
        if (total <= 0)
            throw new DomainException("A schedule's invoices must come to more than zero.");
        Reference = string.IsNullOrWhiteSpace(reference) ? null : reference.Trim();
        _lines.Clear();
        _lines.AddRange(built);
        TotalMinor = total;
        Interval = rule.Interval;
        EveryMonths = rule.EveryMonths;
        AnchorDay = rule.AnchorDay;
        StartDate = rule.Start;
        EndDate = rule.EndDate;
        Count = rule.Count;
        IssueDaysBefore = rule.IssueDaysBefore;
        DueDays = rule.DueDays;
        AutoSend = autoSend;
        AutoCollect = autoCollect;
        // What the old rhythm already covered is done; the new one starts with its first period after that.
        NextPeriodIndex = LastPeriodEnd is { } last ? FirstIndexStartingAfter(rule, last) : 0;
        Advance(NextPeriodIndex);
    }

    public void Pause()
    {
        if (Status == ScheduleStatus.Paused)
            throw new DomainException("This schedule is already paused.");
        if (Status == ScheduleStatus.Ended)
            throw new DomainException("This schedule has already ended.");
        Status = ScheduleStatus.Paused;
        Touch();
    }

    /// <summary>Starts again with the first period whose invoice is planned on or after <paramref name="today"/>; the paused ones are not billed.</summary>
    public void Resume(DateOnly today)
    {
        if (Status == ScheduleStatus.Active)
            throw new DomainException("This schedule is not paused.");
        if (Status == ScheduleStatus.Ended)
            throw new DomainException("An ended schedule cannot be resumed; make a new one.");
        Status = ScheduleStatus.Active;
        Advance(Rule.FirstIndexIssuedOnOrAfter(today, NextPeriodIndex));
    }

    /// <summary>Leaves the next period without an invoice.</summary>
    public void SkipNext(DateTimeOffset now)
    {
        if (NextPeriod is not { } period)
            throw new DomainException("This schedule has ended: there is nothing to skip.");
        LastPeriodEnd = period.End;
        Advance(period.Index + 1, now);
    }

    public void End(DateTimeOffset now)
    {
        if (Status == ScheduleStatus.Ended)
            throw new DomainException("This schedule has already ended.");
        Status = ScheduleStatus.Ended;
        NextIssueOn = null;
        EndedAt = now;
        Touch();
    }

    /// <summary>The draft for the next period, dated <paramref name="today"/>: never backdated, so numbers stay in date order.</summary>
    public Invoice DraftFor(ClientAccount client, SchedulePeriod period, DateOnly today, DateTimeOffset now)
    {
        if (client.Id != ClientAccountId)
            throw new DomainException("A schedule invoices its own client.");
        EnsureNext(period, today);
        var invoice = new Invoice(client, Currency, today, today.AddDays(DueDays), now);
        invoice.SetDetails(Reference, null, Firms.PaymentMethods.All);
        invoice.ReplaceLines(_lines.OrderBy(l => l.Position).Select(l => l.ToInput()));
        invoice.SetPeriod(period.Start, period.End);
        return invoice;
    }

    /// <summary>The next period's invoice was made: move on (and end after the last period).</summary>
    public void RecordGenerated(SchedulePeriod period, DateOnly today, DateTimeOffset now)
    {
        EnsureNext(period, today);
        GeneratedCount++;
        LastPeriodEnd = period.End;
        Advance(period.Index + 1, now);
    }

    private void EnsureNext(SchedulePeriod period, DateOnly today)
    {
        if (Status != ScheduleStatus.Active)
            throw new DomainException("Only an active schedule makes invoices.");
        if (NextPeriod != period)
            throw new DomainException("That period is not the schedule's next one.");
        if (period.IssueOn > today)
            throw new DomainException($"The next invoice is planned for {period.IssueOn}, not yet.");
    }

    private void Advance(int index, DateTimeOffset? now = null)
    {
        NextPeriodIndex = index;
        if (Rule.Period(index) is { } next)
            NextIssueOn = Status == ScheduleStatus.Ended ? null : next.IssueOn;
        else
        {
            Status = ScheduleStatus.Ended;
            NextIssueOn = null;
            EndedAt ??= now;
        }
        Touch();
    }

    private static int FirstIndexStartingAfter(RecurrenceRule rule, DateOnly day)
    {
        var index = 0;
        while (rule.Period(index) is { } period && period.Start <= day)
            index++;
        return index;
    }

    private void Touch() => Version = Guid.NewGuid();
}
