using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Domain.Payouts;
using Portal.Ledger;

namespace Portal.Payouts;

/// <summary>A payout as the provider shows it now: its status decides what is booked, whatever event brought it.</summary>
public sealed record PayoutReport(
    PaymentProvider Provider, string ProviderPayoutId, PayoutStatus Status, Money Net, DateOnly? ArrivalDate, IReadOnlyList<PayoutLine> Lines);

/// <summary>
/// Records provider payouts and books them: paid is bank +N · clearing −N, a failure after that is clearing +N ·
/// bank −N. The idempotency keys come from the payout id, not the event, so a payout reported by two events
/// (a redelivery, a reconciliation, a paid and a failed arriving in either order) is booked once. Adapters
/// re-read the payout before reporting, so a late "paid" event about a payout that has since failed reports it failed.
/// Call it in a scope acting for the firm.
/// </summary>
public sealed class ProviderPayouts(LedgerWriter writer)
{
    public Task<MoneyResult> RecordAsync(PayoutReport report, CancellationToken cancellationToken = default) => report.Status switch
    {
        PayoutStatus.Paid => RecordPaidAsync(report, cancellationToken),
        PayoutStatus.Failed => RecordFailedAsync(report, cancellationToken),
    };

    public static string Key(PaymentProvider provider, string providerPayoutId, PayoutStatus status) =>
        $"{provider.ToString().ToLowerInvariant()}:payout:{providerPayoutId}:{status.ToString().ToLowerInvariant()}";

    private Task<MoneyResult> RecordPaidAsync(PayoutReport report, CancellationToken cancellationToken) =>
        writer.RunAsync(new MoneyOperation("payout-paid", Key(report.Provider, report.ProviderPayoutId, PayoutStatus.Paid),
            Settlement.PayoutFingerprint(report.Provider, report.ProviderPayoutId, report.Net)), async work =>
        {
            if (await FindAsync(work, report) is { } known)
                return known.Id;
            var booking = Settlement.RecordPayout(work.FirmId, report.Provider, report.Net, report.ProviderPayoutId, work.IdempotencyKey, work.Now);
            var payout = ProviderPayout.Paid(work.FirmId, report.Provider, report.ProviderPayoutId, report.Net, report.ArrivalDate, report.Lines, booking, work.Now);
            work.Post(booking);
            work.Db.ProviderPayouts.Add(payout);
            return payout.Id;
        }, cancellationToken);

    private Task<MoneyResult> RecordFailedAsync(PayoutReport report, CancellationToken cancellationToken) =>
        writer.RunAsync(new MoneyOperation("payout-failed", Key(report.Provider, report.ProviderPayoutId, PayoutStatus.Failed),
            OperationFingerprint.Of("payout-failed", report.Provider, report.ProviderPayoutId, report.Net)), async work =>
        {
            var payout = await FindAsync(work, report);
            if (payout is null)
            {
                payout = ProviderPayout.FailedUnbooked(work.FirmId, report.Provider, report.ProviderPayoutId, report.Net, report.ArrivalDate, report.Lines, work.Now);
                work.Db.ProviderPayouts.Add(payout);
                return payout.Id;
            }
            if (payout.Status == PayoutStatus.Failed)
                return payout.Id;
            if (payout.Fail() is { } postings)
            {
                var reversal = LedgerTransaction.Create(work.FirmId, LedgerTransactionKind.Payout, work.Now, work.IdempotencyKey,
                    OperationFingerprint.Of("payout-failed", report.Provider, report.ProviderPayoutId, report.Net),
                    $"{report.Provider} payout {report.ProviderPayoutId} failed", postings);
                work.Post(reversal);
                payout.LinkReversal(reversal);
            }
            return payout.Id;
        }, cancellationToken);

    private static Task<ProviderPayout?> FindAsync(MoneyWork work, PayoutReport report) =>
        work.Db.ProviderPayouts.SingleOrDefaultAsync(p => p.Provider == report.Provider && p.ProviderPayoutId == report.ProviderPayoutId);
}
