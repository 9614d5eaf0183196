using Portal.Domain;
using Portal.Domain.Reminders;

namespace Portal.Tests.Domain.Reminders;

public class ReminderEffectTests
{
    private static readonly DateTimeOffset Monday = new(2027, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static Money Eur(long minor) => new(minor, Currency.EUR);

    [Fact]
    public void Money_within_seven_days_of_a_reminder_counts_to_its_step_and_later_money_does_not()
    {
        var (quick, late, never) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var effect = ReminderEffect.Of(
            [new(quick, ReminderStep.Overdue, Monday), new(late, ReminderStep.Overdue, Monday), new(never, ReminderStep.Overdue, Monday)],
            [new(quick, Eur(300_00), Monday.AddDays(2)), new(late, Eur(500_00), Monday.AddDays(7).AddMinutes(1))]);

        var overdue = effect.Single(e => e.Step == ReminderStep.Overdue);
        (overdue.Sent, overdue.FollowedByPayment).ShouldBe((3, 1));
        overdue.Collected.ShouldBe([Eur(300_00)]);
        effect.Where(e => e.Step != ReminderStep.Overdue).ShouldAllBe(e => e.Sent == 0 && e.Collected.Count == 0);
    }

    [Fact]
    public void Money_after_two_reminders_counts_once_to_the_latest_and_money_before_any_reminder_counts_nowhere()
    {
        var invoice = Guid.NewGuid();
        var effect = ReminderEffect.Of(
            [new(invoice, ReminderStep.Overdue, Monday), new(invoice, ReminderStep.SecondNotice, Monday.AddDays(3))],
            [new(invoice, Eur(100_00), Monday.AddDays(-1)), new(invoice, Eur(40_00), Monday.AddDays(1)), new(invoice, Eur(60_00), Monday.AddDays(4))]);

        effect.Single(e => e.Step == ReminderStep.Overdue).Collected.ShouldBe([Eur(40_00)]);
        effect.Single(e => e.Step == ReminderStep.SecondNotice).Collected.ShouldBe([Eur(60_00)]);
        effect.Sum(e => e.Collected.Sum(m => m.Minor)).ShouldBe(100_00);
    }

    [Fact]
    public void Currencies_are_kept_apart()
    {
        var (eur, gbp) = (Guid.NewGuid(), Guid.NewGuid());
        var effect = ReminderEffect.Of(
            [new(eur, ReminderStep.FinalNotice, Monday), new(gbp, ReminderStep.FinalNotice, Monday)],
            [new(eur, Eur(10_00), Monday.AddHours(1)), new(gbp, new Money(20_00, Currency.GBP), Monday.AddHours(2))]);

        effect.Single(e => e.Step == ReminderStep.FinalNotice).Collected.ShouldBe([Eur(10_00), new Money(20_00, Currency.GBP)]);
    }
}
