namespace Portal.Domain.Payments;

/// <summary>Why a failed automatic collection is or is not tried again.</summary>
public enum RetryVerdict
{
    /// <summary>Tried again on <see cref="RetryDecision.On"/>.</summary>
    Retry,
    /// <summary>The firm does not retry failed collections.</summary>
    RetriesOff,
    /// <summary>Every chosen retry has been made.</summary>
    RetriesUsedUp,
    /// <summary>
    /// The bank refused for a reason a later try cannot change (mandate cancelled, account closed, bank details
    /// wrong…): the client must set up a new mandate or pay another way.
    /// </summary>
    NeedsNewMandate,
    /// <summary>A failure of a kind nobody knows to be worth retrying: left to staff and the client.</summary>
    NotRetryable,
}

public sealed record RetryDecision(RetryVerdict Verdict, DateOnly? On = null)
{
    public bool Retries => Verdict == RetryVerdict.Retry;
}

/// <summary>
/// A firm's rule for failed automatic direct debits. Banks refuse a collection for want of funds (or ask the payer
/// to be contacted) and often pay it a few days later, especially after payday; a collection refused because the
/// mandate or account is gone fails the same way every time, so it is never retried. Each entry of
/// <see cref="DaysAfterFailure"/> is one retry, counted from the failure before it: (3, 7) retries 3 days after the
/// first failure and, if that fails too, 7 days after the second. Retries are asked for on working days only; with
/// <see cref="WaitForPayday"/> a retry that falls a few days before a payday (the 1st or the 25th, when most salaries
/// arrive) waits for it.
/// </summary>
public sealed record DirectDebitRetryPolicy(IReadOnlyList<int> DaysAfterFailure, bool WaitForPayday)
{
    public const int MaxRetries = 4;
    public const int MaxDaysAfterFailure = 30;
    /// <summary>How far ahead of a payday a retry is moved to it.</summary>
    public const int PaydayWindowDays = 7;
    private static readonly int[] Paydays = [1, 25];

    public static DirectDebitRetryPolicy Off { get; } = new([], false);

    public bool IsOn => DaysAfterFailure.Count > 0;

    /// <summary>GoCardless's failure causes that a later try may overcome.</summary>
    private static readonly HashSet<string> RetryableCauses = new(StringComparer.Ordinal) { "insufficient_funds", "refer_to_payer" };

    /// <summary>Failure causes that say the mandate or the account can no longer be collected on.</summary>
    private static readonly HashSet<string> DeadMandateCauses = new(StringComparer.Ordinal)
    {
        "mandate_cancelled", "mandate_expired", "mandate_suspended_by_payer", "invalid_bank_details", "bank_account_closed",
        "bank_account_transferred", "bank_account_disabled", "authorisation_disputed", "direct_debit_not_enabled",
        "return_on_odp", "account_blocked_for_any_financial_transaction",
    };

    /// <summary>Reads "3, 7" as typed on the settings page; an empty text turns retries off.</summary>
    public static DirectDebitRetryPolicy Parse(string? days, bool waitForPayday)
    {
        if (string.IsNullOrWhiteSpace(days))
            return Off with { WaitForPayday = waitForPayday };
        var parsed = new List<int>();
        foreach (var part in days.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var day)
                || day is < 1 or > MaxDaysAfterFailure)
                throw new DomainException($"Retry days must be whole numbers of days from 1 to {MaxDaysAfterFailure}, separated by commas.");
            parsed.Add(day);
        }
        if (parsed.Count > MaxRetries)
            throw new DomainException($"A failed collection is retried at most {MaxRetries} times.");
        return new DirectDebitRetryPolicy(parsed, waitForPayday);
    }

    /// <summary>The days as the settings page shows and stores them: "3, 7".</summary>
    public string DaysText => string.Join(", ", DaysAfterFailure);

    /// <summary>
    /// What to do after the automatic collection made as try number <paramref name="failedTry"/> (1 for the first
    /// collection, 2 for the first retry…) failed on <paramref name="failedOn"/> for <paramref name="cause"/>.
    /// </summary>
    public RetryDecision After(int failedTry, string? cause, DateOnly failedOn)
    {
        if (failedTry < 1)
            throw new ArgumentOutOfRangeException(nameof(failedTry), "Tries are counted from 1.");
        if (cause is not null && DeadMandateCauses.Contains(cause))
            return new(RetryVerdict.NeedsNewMandate);
        if (!IsOn)
            return new(RetryVerdict.RetriesOff);
        if (cause is null || !RetryableCauses.Contains(cause))
            return new(RetryVerdict.NotRetryable);
        if (failedTry > DaysAfterFailure.Count)
            return new(RetryVerdict.RetriesUsedUp);
        return new(RetryVerdict.Retry, RetryDay(failedOn.AddDays(DaysAfterFailure[failedTry - 1])));
    }

    private DateOnly RetryDay(DateOnly day)
    {
        if (WaitForPayday && NextPayday(day) is var payday && payday.DayNumber - day.DayNumber <= PaydayWindowDays)
            day = payday;
        return FirstWorkingDayOnOrAfter(day);
    }

    private static DateOnly NextPayday(DateOnly day)
    {
        foreach (var payday in Paydays)
            if (payday >= day.Day)
                return new DateOnly(day.Year, day.Month, payday);
        var nextMonth = day.AddMonths(1);
        return new DateOnly(nextMonth.Year, nextMonth.Month, Paydays[0]);
    }

    private static DateOnly FirstWorkingDayOnOrAfter(DateOnly day) => day.DayOfWeek switch
    {
        DayOfWeek.Saturday => day.AddDays(2),
        DayOfWeek.Sunday => day.AddDays(1),
        _ => day,
    };
}
