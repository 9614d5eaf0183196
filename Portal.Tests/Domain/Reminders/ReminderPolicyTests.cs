using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Reminders;

namespace Portal.Tests.Domain.Reminders;

public class ReminderPolicyTests
{
    private static readonly DateOnly Due = new(2027, 3, 20);
    private static ReminderPolicy On() => new() { Enabled = true };

    [Fact]
    public void Default_steps_fall_three_days_before_on_and_seven_fifteen_thirty_days_after_the_due_date()
    {
        var policy = On();
        Enum.GetValues<ReminderStep>().Select(s => policy.DayOf(s, Due)).ShouldBe(
            [Due.AddDays(-3), Due, Due.AddDays(7), Due.AddDays(15), Due.AddDays(30)]);
        policy.StepOn(Due, Due.AddDays(-4)).ShouldBeNull();
        policy.StepOn(Due, Due.AddDays(-3)).ShouldBe(ReminderStep.Upcoming);
        policy.StepOn(Due, Due).ShouldBe(ReminderStep.DueToday);
        policy.StepOn(Due, Due.AddDays(7)).ShouldBe(ReminderStep.Overdue);
        policy.StepOn(Due, Due.AddDays(15)).ShouldBe(ReminderStep.SecondNotice);
        policy.StepOn(Due, Due.AddDays(30)).ShouldBe(ReminderStep.FinalNotice);
        policy.NextAfter(Due, Due.AddDays(8)).ShouldBe((ReminderStep.SecondNotice, Due.AddDays(15)));
        policy.NextAfter(Due, Due.AddDays(30)).ShouldBeNull();
    }

    [Fact]
    public void A_missed_step_is_caught_up_for_a_week_and_then_dropped()
    {
        var policy = On();
        policy.StepOn(Due, Due.AddDays(30 + ReminderPolicy.CatchUpDays)).ShouldBe(ReminderStep.FinalNotice);
        policy.StepOn(Due, Due.AddDays(31 + ReminderPolicy.CatchUpDays)).ShouldBeNull();
    }

    [Fact]
    public void A_step_switched_off_is_skipped_and_a_policy_switched_off_reminds_nothing()
    {
        var policy = On();
        policy.OverdueOn = false;
        policy.StepOn(Due, Due.AddDays(7)).ShouldBe(ReminderStep.DueToday);
        policy.Enabled = false;
        policy.StepOn(Due, Due).ShouldBeNull();
    }

    [Fact]
    public void Steps_out_of_order_or_too_far_are_refused_by_the_firm()
    {
        var firm = new Firm("acme", "Acme", Currency.EUR, Books.Now);
        Should.Throw<DomainException>(() => firm.ChangeReminders(new ReminderPolicy { Enabled = true, OverdueOffset = 20 }))
            .Message.ShouldBe("Each reminder step falls after the one before it.");
        Should.Throw<DomainException>(() => firm.ChangeReminders(new ReminderPolicy { FinalNoticeOffset = 400 }));
        firm.Reminders.Enabled.ShouldBeFalse();
        Should.Throw<DomainException>(() => firm.ChangeTimeZone("Mars/Olympus"));
        firm.TimeZone.ShouldBe("Europe/Paris");
    }

    [Fact]
    public void Late_interest_and_the_forty_euro_indemnity_are_computed_only_when_shown_late_and_in_euros()
    {
        var policy = On();
        var due = new Money(1_000_00, Currency.EUR);
        policy.LateChargesOn(due, Due, Due.AddDays(30)).ShouldBeNull();
        policy.LateInterestShown = true;
        // 1 000 € × 12.15 % × 30 / 365 = 9.986… €
        var charges = policy.LateChargesOn(due, Due, Due.AddDays(30)).ShouldNotBeNull();
        charges.Interest.ShouldBe(new Money(9_99, Currency.EUR));
        charges.Indemnity.ShouldBe(new Money(40_00, Currency.EUR));
        charges.Total.ShouldBe(new Money(49_99, Currency.EUR));
        policy.LateChargesOn(due, Due, Due).ShouldBeNull();
        policy.LateChargesOn(new Money(1_000_00, Currency.GBP), Due, Due.AddDays(30)).ShouldBeNull();
    }

    [Theory]
    // Spring forward in Paris: 2027-03-28 starts at 2027-03-27T23:00Z; the next day at 22:00Z.
    [InlineData("2027-03-27T22:59:00Z", "2027-03-27")]
    [InlineData("2027-03-27T23:00:00Z", "2027-03-28")]
    [InlineData("2027-03-28T21:59:00Z", "2027-03-28")]
    [InlineData("2027-03-28T22:00:00Z", "2027-03-29")]
    // Fall back: 2027-10-31 starts at 2027-10-30T22:00Z and lasts 25 hours, to 23:00Z.
    [InlineData("2027-10-30T21:59:00Z", "2027-10-30")]
    [InlineData("2027-10-30T22:00:00Z", "2027-10-31")]
    [InlineData("2027-10-31T22:59:00Z", "2027-10-31")]
    [InlineData("2027-10-31T23:00:00Z", "2027-11-01")]
    public void The_firms_today_is_its_local_day_across_clock_changes(string instant, string localDay)
    {
        var firm = new Firm("acme", "Acme", Currency.EUR, Books.Now);
        firm.LocalToday(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(DateOnly.Parse(localDay, System.Globalization.CultureInfo.InvariantCulture));
    }
}
