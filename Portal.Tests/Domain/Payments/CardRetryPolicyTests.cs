using Portal.Domain.Payments;

namespace Portal.Tests.Domain.Payments;

public sealed class CardRetryPolicyTests
{
    // Wednesday 13 January 2027.
    private static readonly DateOnly Wednesday = new(2027, 1, 13);

    [Fact]
    public void A_decline_for_want_of_funds_is_retried_after_a_growing_wait_until_the_retries_are_used_up()
    {
        CardRetryPolicy.After(1, "insufficient_funds", Wednesday).ShouldBe(new CardRetryDecision(CardRetryVerdict.Retry, new DateOnly(2027, 1, 14)));
        CardRetryPolicy.After(2, "insufficient_funds", new DateOnly(2027, 1, 14)).ShouldBe(new CardRetryDecision(CardRetryVerdict.Retry, new DateOnly(2027, 1, 17)));
        CardRetryPolicy.After(3, "generic_decline", new DateOnly(2027, 1, 17)).ShouldBe(new CardRetryDecision(CardRetryVerdict.Retry, new DateOnly(2027, 1, 22)));
        CardRetryPolicy.After(4, "insufficient_funds", new DateOnly(2027, 1, 22)).Verdict.ShouldBe(CardRetryVerdict.RetriesUsedUp);
    }

    [Fact]
    public void Retries_count_calendar_days_across_a_month_end_and_a_leap_day()
    {
        CardRetryPolicy.After(1, "insufficient_funds", new DateOnly(2028, 2, 28)).On.ShouldBe(new DateOnly(2028, 2, 29));
        CardRetryPolicy.After(3, "do_not_honor", new DateOnly(2027, 12, 29)).On.ShouldBe(new DateOnly(2028, 1, 3));
    }

    [Theory]
    [InlineData("authentication_required", CardRetryVerdict.NeedsAuthentication)]
    [InlineData("expired_card", CardRetryVerdict.NeedsNewCard)]
    [InlineData("stolen_card", CardRetryVerdict.NeedsNewCard)]
    [InlineData("do_not_try_again", CardRetryVerdict.NeedsNewCard)]
    [InlineData("something_new", CardRetryVerdict.NotRetryable)]
    [InlineData(null, CardRetryVerdict.NotRetryable)]
    public void A_decline_that_a_later_try_cannot_change_is_never_retried(string? code, CardRetryVerdict verdict)
    {
        // Whatever the try: even the first decline of its kind is final.
        CardRetryPolicy.After(1, code, Wednesday).ShouldBe(new CardRetryDecision(verdict));
    }

    [Fact]
    public void Tries_are_counted_from_one() =>
        Should.Throw<ArgumentOutOfRangeException>(() => CardRetryPolicy.After(0, "insufficient_funds", Wednesday));
}
