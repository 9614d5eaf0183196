namespace Portal.Domain.Payments;

/// <summary>Why a declined automatic card charge is or is not tried again.</summary>
public enum CardRetryVerdict
{
    /// <summary>Charged again on <see cref="CardRetryDecision.On"/>.</summary>
    Retry,
    /// <summary>Every retry has been made.</summary>
    RetriesUsedUp,
    /// <summary>The bank wants the cardholder to confirm the payment: only the client, on the hosted page, can.</summary>
    NeedsAuthentication,
    /// <summary>The card can never be charged again (expired, lost, stolen, closed): the client must save another.</summary>
    NeedsNewCard,
    /// <summary>A decline nobody knows to be worth retrying: left to the client and staff.</summary>
    NotRetryable,
}

public sealed record CardRetryDecision(CardRetryVerdict Verdict, DateOnly? On = null)
{
    public bool Retries => Verdict == CardRetryVerdict.Retry;
}

/// <summary>
/// What follows a declined automatic card charge. A card declined for want of funds, or by an issuer that was busy or
/// cautious, is often accepted a few days later, so it is charged again after a growing wait (1, then 3, then 5 days:
/// three retries over about nine days, as card networks tolerate). A card that needs its holder's authentication, or
/// that is gone, fails the same way every time: charging it again would only add declines to the firm's record, so the
/// client is asked to act instead. Codes are Stripe's <c>decline_code</c> (or its error <c>code</c> when there is none).
/// </summary>
public static class CardRetryPolicy
{
    /// <summary>Days after each decline before the next charge: one entry per retry.</summary>
    public static IReadOnlyList<int> DaysAfterDecline { get; } = [1, 3, 5];

    private static readonly HashSet<string> RetryableCodes = new(StringComparer.Ordinal)
    {
        "insufficient_funds", "generic_decline", "do_not_honor", "try_again_later", "processing_error", "issuer_not_available",
        "card_velocity_exceeded", "withdrawal_count_limit_exceeded", "reenter_transaction", "approve_with_id", "card_declined",
    };

    private static readonly HashSet<string> AuthenticationCodes = new(StringComparer.Ordinal) { "authentication_required", "card_not_authenticated" };

    private static readonly HashSet<string> DeadCardCodes = new(StringComparer.Ordinal)
    {
        "expired_card", "lost_card", "stolen_card", "pickup_card", "restricted_card", "incorrect_number", "invalid_number",
        "invalid_account", "card_not_supported", "new_account_information_available", "do_not_try_again", "revocation_of_authorization",
        "revocation_of_all_authorizations", "fraudulent", "merchant_blacklist", "security_violation",
    };

    /// <summary>
    /// What to do after the automatic charge made as try <paramref name="failedTry"/> (1 for the first charge, 2 for the
    /// first retry…) was declined on <paramref name="declinedOn"/> with <paramref name="code"/>.
    /// </summary>
    public static CardRetryDecision After(int failedTry, string? code, DateOnly declinedOn)
    {
        if (failedTry < 1)
            throw new ArgumentOutOfRangeException(nameof(failedTry), "Tries are counted from 1.");
        var kind = Classify(code);
        if (kind != CardRetryVerdict.Retry)
            return new(kind);
        if (failedTry > DaysAfterDecline.Count)
            return new(CardRetryVerdict.RetriesUsedUp);
        return new(CardRetryVerdict.Retry, declinedOn.AddDays(DaysAfterDecline[failedTry - 1]));
    }

    /// <summary>What a decline code says whatever the try: worth retrying (<see cref="CardRetryVerdict.Retry"/>), or why not.</summary>
    public static CardRetryVerdict Classify(string? code) => code switch
    {
        not null when AuthenticationCodes.Contains(code) => CardRetryVerdict.NeedsAuthentication,
        not null when DeadCardCodes.Contains(code) => CardRetryVerdict.NeedsNewCard,
        not null when RetryableCodes.Contains(code) => CardRetryVerdict.Retry,
        _ => CardRetryVerdict.NotRetryable,
    };
}
