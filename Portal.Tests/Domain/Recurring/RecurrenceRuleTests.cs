using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Recurring;

namespace Portal.Tests.Domain.Recurring;

public class RecurrenceRuleTests
{
    private static DateOnly D(int year, int month, int day) => new(year, month, day);

    private static RecurrenceRule Monthly(DateOnly start, int anchorDay, DateOnly? end = null, int? count = null, int issueDaysBefore = 0, int dueDays = 30) =>
        new(RecurrenceInterval.Monthly, 0, anchorDay, start, end, count, issueDaysBefore, dueDays);

    private static List<DateOnly> Starts(RecurrenceRule rule, int n) => rule.NextPeriods(n).Select(p => p.Start).ToList();

    [Fact]
    public void Last_day_of_month_lands_on_each_months_last_day_without_drifting()
    {
        var rule = Monthly(D(2027, 1, 1), RecurrenceRule.LastDayOfMonth);

        Starts(rule, 6).ShouldBe([D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30), D(2027, 5, 31), D(2027, 6, 30)]);
    }

    [Fact]
    public void Leap_years_give_february_its_29th_and_the_30th_falls_back_to_it()
    {
        Starts(Monthly(D(2028, 1, 15), 31), 3).ShouldBe([D(2028, 1, 31), D(2028, 2, 29), D(2028, 3, 31)]);
        Starts(Monthly(D(2028, 1, 30), 30), 3).ShouldBe([D(2028, 1, 30), D(2028, 2, 29), D(2028, 3, 30)]);
        Starts(Monthly(D(2027, 1, 30), 30), 3).ShouldBe([D(2027, 1, 30), D(2027, 2, 28), D(2027, 3, 30)]);
    }

    [Fact]
    public void A_yearly_schedule_on_the_leap_day_falls_back_to_the_28th_and_returns_to_the_29th()
    {
        var rule = new RecurrenceRule(RecurrenceInterval.Yearly, 0, 29, D(2028, 2, 29), null, null, 0, 30);

        Starts(rule, 5).ShouldBe([D(2028, 2, 29), D(2029, 2, 28), D(2030, 2, 28), D(2031, 2, 28), D(2032, 2, 29)]);
    }

    [Fact]
    public void The_first_period_is_the_first_anchor_day_on_or_after_the_start()
    {
        Starts(Monthly(D(2027, 3, 10), 5), 2).ShouldBe([D(2027, 4, 5), D(2027, 5, 5)]);
        Starts(Monthly(D(2027, 3, 5), 5), 2).ShouldBe([D(2027, 3, 5), D(2027, 4, 5)]);
    }

    [Fact]
    public void Each_period_ends_the_day_before_the_next_starts()
    {
        var periods = Monthly(D(2027, 1, 1), 31).NextPeriods(3);

        periods.Select(p => (p.Start, p.End)).ShouldBe([(D(2027, 1, 31), D(2027, 2, 27)), (D(2027, 2, 28), D(2027, 3, 30)), (D(2027, 3, 31), D(2027, 4, 29))]);
    }

    [Fact]
    public void Weekly_quarterly_and_every_n_months_step_as_named()
    {
        Starts(new RecurrenceRule(RecurrenceInterval.Weekly, 0, 0, D(2027, 12, 22), null, null, 0, 7), 3).ShouldBe([D(2027, 12, 22), D(2027, 12, 29), D(2028, 1, 5)]);
        Starts(new RecurrenceRule(RecurrenceInterval.Quarterly, 0, 31, D(2027, 1, 1), null, null, 0, 30), 4).ShouldBe([D(2027, 1, 31), D(2027, 4, 30), D(2027, 7, 31), D(2027, 10, 31)]);
        Starts(new RecurrenceRule(RecurrenceInterval.EveryNMonths, 2, 15, D(2027, 11, 1), null, null, 0, 30), 3).ShouldBe([D(2027, 11, 15), D(2028, 1, 15), D(2028, 3, 15)]);
    }

    [Fact]
    public void Issue_days_before_and_due_terms_set_the_planned_dates()
    {
        var first = Monthly(D(2027, 3, 1), 1, issueDaysBefore: 5, dueDays: 14).NextPeriods(1).Single();

        first.IssueOn.ShouldBe(D(2027, 2, 24));
        first.DueOn.ShouldBe(D(2027, 3, 10));
    }

    [Fact]
    public void A_count_or_an_end_date_stops_the_schedule()
    {
        var counted = Monthly(D(2027, 1, 1), 1, count: 3);
        counted.NextPeriods(12).Count.ShouldBe(3);
        counted.Period(3).ShouldBeNull();

        var dated = Monthly(D(2027, 1, 1), 1, end: D(2027, 4, 1));
        Starts(dated, 12).ShouldBe([D(2027, 1, 1), D(2027, 2, 1), D(2027, 3, 1), D(2027, 4, 1)]);

        Starts(Monthly(D(2027, 1, 1), 1, end: D(2027, 3, 31)), 12).Last().ShouldBe(D(2027, 3, 1));
    }

    [Fact]
    public void The_preview_gives_twelve_dates_and_can_start_further_on()
    {
        var rule = Monthly(D(2027, 1, 1), 1);

        rule.NextPeriods(12).Count.ShouldBe(12);
        rule.NextPeriods(12, fromIndex: 5).First().Start.ShouldBe(D(2027, 6, 1));
    }

    [Theory]
    [InlineData(RecurrenceInterval.EveryNMonths, 0, 1, null, null, 0, 30)]
    [InlineData(RecurrenceInterval.Monthly, 0, 0, null, null, 0, 30)]
    [InlineData(RecurrenceInterval.Monthly, 0, 32, null, null, 0, 30)]
    [InlineData(RecurrenceInterval.Monthly, 0, 1, "2027-06-01", 3, 0, 30)]
    [InlineData(RecurrenceInterval.Monthly, 0, 1, "2026-12-01", null, 0, 30)]
    [InlineData(RecurrenceInterval.Monthly, 0, 1, null, 0, 0, 30)]
    [InlineData(RecurrenceInterval.Monthly, 0, 1, null, null, -1, 30)]
    [InlineData(RecurrenceInterval.Monthly, 0, 1, null, null, 0, -1)]
    [InlineData(RecurrenceInterval.Monthly, 0, 20, "2027-01-15", null, 0, 30)]
    public void Rules_that_make_no_sense_are_refused(RecurrenceInterval interval, int everyMonths, int anchorDay, string? end, int? count, int issueDaysBefore, int dueDays)
    {
        Should.Throw<DomainException>(() => new RecurrenceRule(interval, everyMonths, anchorDay, D(2027, 1, 1),
            end is null ? null : DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), count, issueDaysBefore, dueDays));
    }

    [Fact]
    public void Resuming_finds_the_first_period_not_yet_due_even_years_later()
    {
        var rule = Monthly(D(2027, 1, 1), 31, issueDaysBefore: 3);

        var index = rule.FirstIndexIssuedOnOrAfter(D(2031, 5, 28), 0);

        rule.Period(index)!.Value.Start.ShouldBe(D(2031, 5, 31));
        rule.Period(index - 1)!.Value.IssueOn.ShouldBeLessThan(D(2031, 5, 28));
        rule.FirstIndexIssuedOnOrAfter(D(2031, 5, 29), 0).ShouldBe(index + 1);
    }

    [Fact]
    public void Periods_are_local_dates_so_a_clock_change_moves_no_period()
    {
        // Paris goes from 02:00 to 03:00 on 28 March 2027: the weekly periods keep their weekday and seven-day step.
        var rule = new RecurrenceRule(RecurrenceInterval.Weekly, 0, 0, D(2027, 3, 21), null, null, 1, 0);
        rule.NextPeriods(3).Select(p => (p.Start, p.IssueOn)).ShouldBe([(D(2027, 3, 21), D(2027, 3, 20)), (D(2027, 3, 28), D(2027, 3, 27)), (D(2027, 4, 4), D(2027, 4, 3))]);

        // The firm's day is the local one: 22:30 UTC on 27 March is already 28 March in Paris…
        var firm = new Firm("acme-advisers", "Acme", Currency.EUR, DateTimeOffset.UnixEpoch);
        firm.LocalToday(new DateTimeOffset(2027, 3, 27, 22, 30, 0, TimeSpan.Zero)).ShouldBe(D(2027, 3, 27));
        firm.LocalToday(new DateTimeOffset(2027, 3, 27, 23, 30, 0, TimeSpan.Zero)).ShouldBe(D(2027, 3, 28));
        // …and after the change, summer time: 22:30 UTC on 28 March is 00:30 on the 29th.
        firm.LocalToday(new DateTimeOffset(2027, 3, 28, 21, 59, 0, TimeSpan.Zero)).ShouldBe(D(2027, 3, 28));
        firm.LocalToday(new DateTimeOffset(2027, 3, 28, 22, 30, 0, TimeSpan.Zero)).ShouldBe(D(2027, 3, 29));
        // In October, back to winter time: local midnight is 23:00 UTC again.
        firm.LocalToday(new DateTimeOffset(2027, 10, 31, 22, 30, 0, TimeSpan.Zero)).ShouldBe(D(2027, 10, 31));
        firm.LocalToday(new DateTimeOffset(2027, 10, 31, 23, 0, 0, TimeSpan.Zero)).ShouldBe(D(2027, 11, 1));
    }
}
