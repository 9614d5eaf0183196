using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Recurring;

namespace Portal.Tests.Domain.Recurring;

public class RecurringScheduleTests
{
    private static readonly DateTimeOffset Now = Books.Now;
    private readonly Books _books = new();

    private static DateOnly D(int year, int month, int day) => new(year, month, day);

    private static InvoiceLineInput Line(long unitPriceMinor = 100_00, int taxBasisPoints = 2000) => new("Monthly bookkeeping", 1, unitPriceMinor, taxBasisPoints);

    private static RecurrenceRule Monthly(DateOnly start, int? count = null, int dueDays = 30) => new(RecurrenceInterval.Monthly, 0, start.Day, start, null, count, 0, dueDays);

    private RecurringSchedule Schedule(RecurrenceRule rule, params InvoiceLineInput[] lines) =>
        new(_books.Client(), Currency.EUR, "Retainer", lines.Length == 0 ? [Line()] : lines, rule, autoSend: true, autoCollect: false, Now);

    [Fact]
    public void A_schedule_needs_lines_in_the_clients_currency_and_more_than_zero()
    {
        var client = _books.Client();
        var rule = Monthly(D(2027, 1, 1));

        Should.Throw<DomainException>(() => new RecurringSchedule(client, Currency.EUR, null, [], rule, false, false, Now)).Message.ShouldContain("at least one line");
        Should.Throw<DomainException>(() => new RecurringSchedule(client, Currency.USD, null, [Line()], rule, false, false, Now)).Message.ShouldContain("invoiced in EUR");
        Should.Throw<DomainException>(() => new RecurringSchedule(client, Currency.EUR, null, [Line(0)], rule, false, false, Now)).Message.ShouldContain("more than zero");
        Should.Throw<DomainException>(() => new RecurringSchedule(client, Currency.EUR, null, [new("", 1, 100, 0)], rule, false, false, Now)).Message.ShouldContain("description");
    }

    [Fact]
    public void Generating_walks_the_periods_once_each_and_ends_after_the_count()
    {
        var client = _books.Client();
        var schedule = new RecurringSchedule(client, Currency.EUR, null, [Line()], Monthly(D(2027, 1, 1), count: 2), true, false, Now);
        var first = schedule.NextPeriod!.Value;

        var invoice = schedule.DraftFor(client, first, D(2027, 1, 3), Now);
        schedule.RecordGenerated(first, D(2027, 1, 3), Now);

        invoice.IssueDate.ShouldBe(D(2027, 1, 3));
        invoice.DueDate.ShouldBe(D(2027, 2, 2));
        (invoice.PeriodStart, invoice.PeriodEnd).ShouldBe((D(2027, 1, 1), D(2027, 1, 31)), "the invoice names the month it bills");
        invoice.Total.ShouldBe(Books.Eur(120_00));
        Should.Throw<DomainException>(() => schedule.RecordGenerated(first, D(2027, 1, 3), Now)).Message.ShouldContain("not the schedule's next");
        schedule.NextIssueOn.ShouldBe(D(2027, 2, 1));
        Should.Throw<DomainException>(() => schedule.RecordGenerated(schedule.NextPeriod!.Value, D(2027, 1, 31), Now)).Message.ShouldContain("not yet");

        schedule.RecordGenerated(schedule.NextPeriod!.Value, D(2027, 2, 1), Now);
        schedule.Status.ShouldBe(ScheduleStatus.Ended);
        schedule.NextPeriod.ShouldBeNull();
        schedule.GeneratedCount.ShouldBe(2);
    }

    [Fact]
    public void Pausing_and_resuming_skips_the_periods_of_the_pause()
    {
        var schedule = Schedule(Monthly(D(2027, 1, 1)));
        schedule.Pause();

        Should.Throw<DomainException>(() => schedule.Pause());
        Should.Throw<DomainException>(() => schedule.RecordGenerated(schedule.NextPeriod!.Value, D(2027, 1, 1), Now)).Message.ShouldContain("active");
        schedule.Resume(D(2027, 3, 15));

        schedule.Status.ShouldBe(ScheduleStatus.Active);
        schedule.NextPeriod!.Value.Start.ShouldBe(D(2027, 4, 1));
        Should.Throw<DomainException>(() => schedule.Resume(D(2027, 3, 15))).Message.ShouldContain("not paused");
    }

    [Fact]
    public void Skip_next_leaves_one_period_without_an_invoice()
    {
        var schedule = Schedule(Monthly(D(2027, 1, 1)));

        schedule.SkipNext(Now);

        schedule.NextPeriod!.Value.Start.ShouldBe(D(2027, 2, 1));
        schedule.GeneratedCount.ShouldBe(0);
    }

    [Fact]
    public void An_ended_schedule_cannot_be_resumed_changed_skipped_or_ended_again()
    {
        var schedule = Schedule(Monthly(D(2027, 1, 1)));
        schedule.End(Now);

        Should.Throw<DomainException>(() => schedule.Resume(D(2027, 2, 1))).Message.ShouldContain("ended");
        Should.Throw<DomainException>(() => schedule.Change(null, [Line()], Monthly(D(2027, 1, 1)), false, false)).Message.ShouldContain("ended");
        Should.Throw<DomainException>(() => schedule.SkipNext(Now));
        Should.Throw<DomainException>(() => schedule.End(Now));
        schedule.MonthlyRecurring.ShouldBe(Books.Eur(0));
    }

    [Fact]
    public void An_edit_applies_from_the_next_invoice_and_keeps_the_periods_already_invoiced()
    {
        var client = _books.Client();
        var schedule = new RecurringSchedule(client, Currency.EUR, null, [Line()], Monthly(D(2027, 1, 1)), true, false, Now);
        var january = schedule.NextPeriod!.Value;
        schedule.RecordGenerated(january, D(2027, 1, 1), Now);

        // Moved to the 15th from the same start: 15 January falls inside January's period, already invoiced.
        schedule.Change(null, [Line(200_00)], new RecurrenceRule(RecurrenceInterval.Monthly, 0, 15, D(2027, 1, 1), null, null, 0, 30), true, false);

        schedule.NextPeriod!.Value.Start.ShouldBe(D(2027, 2, 15));
        schedule.DraftFor(client, schedule.NextPeriod!.Value, D(2027, 2, 15), Now).Total.ShouldBe(Books.Eur(240_00));
        schedule.Change(null, [Line(200_00)], new RecurrenceRule(RecurrenceInterval.Monthly, 0, 1, D(2027, 1, 1), null, null, 0, 30), true, false);
        schedule.NextPeriod!.Value.Start.ShouldBe(D(2027, 2, 1));
    }

    [Fact]
    public void Monthly_recurring_revenue_spreads_each_rhythm_over_a_month()
    {
        var start = D(2027, 1, 1);
        Schedule(new RecurrenceRule(RecurrenceInterval.Weekly, 0, 0, start, null, null, 0, 7), Line(12_00, 0)).MonthlyRecurring.ShouldBe(Books.Eur(52_00));
        Schedule(new RecurrenceRule(RecurrenceInterval.Quarterly, 0, 1, start, null, null, 0, 30), Line(300_00, 0)).MonthlyRecurring.ShouldBe(Books.Eur(100_00));
        Schedule(new RecurrenceRule(RecurrenceInterval.Yearly, 0, 1, start, null, null, 0, 30), Line(1200_00, 0)).MonthlyRecurring.ShouldBe(Books.Eur(100_00));
        var paused = Schedule(Monthly(start), Line(50_00, 0));
        paused.Pause();
        paused.MonthlyRecurring.ShouldBe(Books.Eur(0));
    }
}
