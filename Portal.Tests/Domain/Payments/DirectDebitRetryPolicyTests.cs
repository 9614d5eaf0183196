using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Payments;

namespace Portal.Tests.Domain.Payments;

public sealed class DirectDebitRetryPolicyTests
{
    private static readonly DirectDebitRetryPolicy ThreeThenSeven = DirectDebitRetryPolicy.Parse("3, 7", waitForPayday: false);

    // Wednesday 13 January 2027.
    private static readonly DateOnly Wednesday = new(2027, 1, 13);

    [Fact]
    public void Insufficient_funds_is_retried_on_the_chosen_day_after_each_failure()
    {
        ThreeThenSeven.After(1, "insufficient_funds", Wednesday).ShouldBe(new RetryDecision(RetryVerdict.Retry, new DateOnly(2027, 1, 18)));
        // The retry (try 2) failed on Monday 25 January: the second retry is 7 days later.
        ThreeThenSeven.After(2, "refer_to_payer", new DateOnly(2027, 1, 25)).ShouldBe(new RetryDecision(RetryVerdict.Retry, new DateOnly(2027, 2, 1)));
        ThreeThenSeven.After(3, "insufficient_funds", new DateOnly(2027, 2, 5)).Verdict.ShouldBe(RetryVerdict.RetriesUsedUp);
    }

    [Theory]
    [InlineData("2027-01-13", 3, "2027-01-18")] // Saturday 16th → Monday 18th
    [InlineData("2027-01-14", 3, "2027-01-18")] // Sunday 17th → Monday 18th
    [InlineData("2027-01-15", 3, "2027-01-18")] // Monday stays
    [InlineData("2028-02-26", 3, "2028-02-29")] // leap day, a Tuesday
    public void A_retry_is_asked_for_on_a_working_day(string failedOn, int days, string expected)
    {
        var policy = DirectDebitRetryPolicy.Parse(days.ToString(System.Globalization.CultureInfo.InvariantCulture), waitForPayday: false);

        policy.After(1, "insufficient_funds", DateOnly.Parse(failedOn, System.Globalization.CultureInfo.InvariantCulture)).On
            .ShouldBe(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2027-01-19", "2027-01-25")] // +3 = Friday 22nd, payday Monday 25th is 3 days away: waits for it
    [InlineData("2027-01-26", "2027-02-01")] // +3 = Friday 29th, payday on the 1st (a Monday)
    [InlineData("2027-01-05", "2027-01-08")] // +3 = Friday 8th, the 25th is 17 days away: no wait
    [InlineData("2027-07-20", "2027-07-26")] // +3 = Friday 23rd; payday Sunday 25th → Monday 26th
    public void With_payday_chosen_a_retry_a_few_days_before_payday_waits_for_it(string failedOn, string expected)
    {
        var policy = DirectDebitRetryPolicy.Parse("3", waitForPayday: true);

        policy.After(1, "insufficient_funds", DateOnly.Parse(failedOn, System.Globalization.CultureInfo.InvariantCulture)).On
            .ShouldBe(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("mandate_cancelled")]
    [InlineData("invalid_bank_details")]
    [InlineData("bank_account_closed")]
    [InlineData("authorisation_disputed")]
    public void A_dead_mandate_is_never_retried_and_says_a_new_mandate_is_needed(string cause)
    {
        ThreeThenSeven.After(1, cause, Wednesday).ShouldBe(new RetryDecision(RetryVerdict.NeedsNewMandate));
        DirectDebitRetryPolicy.Off.After(1, cause, Wednesday).Verdict.ShouldBe(RetryVerdict.NeedsNewMandate);
    }

    [Fact]
    public void Unknown_causes_and_firms_without_retries_are_not_retried()
    {
        ThreeThenSeven.After(1, "other", Wednesday).Verdict.ShouldBe(RetryVerdict.NotRetryable);
        ThreeThenSeven.After(1, null, Wednesday).Verdict.ShouldBe(RetryVerdict.NotRetryable);
        DirectDebitRetryPolicy.Parse("", waitForPayday: true).After(1, "insufficient_funds", Wednesday).Verdict.ShouldBe(RetryVerdict.RetriesOff);
        new PaymentPolicy().DirectDebitRetries().IsOn.ShouldBeFalse();
    }

    [Theory]
    [InlineData("3;7", "3, 7")]
    [InlineData(" 5 ", "5")]
    [InlineData("1 2 3 30", "1, 2, 3, 30")]
    public void Days_are_read_as_typed(string typed, string stored) =>
        DirectDebitRetryPolicy.Parse(typed, false).DaysText.ShouldBe(stored);

    [Theory]
    [InlineData("0")]
    [InlineData("31")]
    [InlineData("-3")]
    [InlineData("3.5")]
    [InlineData("three")]
    [InlineData("1, 2, 3, 4, 5")]
    public void Days_out_of_range_or_too_many_are_refused_with_a_reason(string typed)
    {
        Should.Throw<DomainException>(() => DirectDebitRetryPolicy.Parse(typed, false)).Message.ShouldNotBeNullOrWhiteSpace();
        Should.Throw<DomainException>(() => new PaymentPolicy { DirectDebitRetryDays = typed }.Validate());
    }
}
