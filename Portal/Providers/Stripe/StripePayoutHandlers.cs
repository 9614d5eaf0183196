using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Domain.Payouts;
using Portal.Payouts;
using Portal.Webhooks;
using Stripe;

namespace Portal.Providers.Stripe;

/// <summary>
/// payout.paid and payout.failed. Events arrive twice and out of order, so the event only says which payout to look
/// at: the payout is re-read, with the balance transactions it contains, and recorded as it is now. A payout that
/// is paid books bank +N · clearing −N; one that failed after that books the reverse; one already failed when first
/// read books nothing. The keys come from the payout id, so either event, any number of times, books each once.
/// A charge's fee not booked when the payment settled (the balance transaction was not ready) is booked here.
/// </summary>
internal sealed class StripePayoutEvent(string eventType, StripePaymentLookup lookup, ProviderPayouts payouts) : StripeEventHandler(eventType)
{
    public static readonly IReadOnlyList<string> Types = [EventTypes.PayoutPaid, EventTypes.PayoutFailed];

    protected override async Task<WebhookOutcome> ApplyAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        if (stripeEvent.Data.Object is not Payout subject)
            return WebhookOutcome.Ignored;
        var client = await lookup.ClientAsync(cancellationToken);
        var payout = await client.V1.Payouts.GetAsync(subject.Id, cancellationToken: cancellationToken);
        PayoutStatus? status = payout.Status switch
        {
            "paid" => PayoutStatus.Paid,
            "failed" => PayoutStatus.Failed,
            // pending, in_transit, canceled: no money reached the bank, and a later event will say if it does.
            _ => null,
        };
        if (status is not { } current)
            return WebhookOutcome.Ignored;

        var lines = new List<PayoutLine>();
        var fees = new Dictionary<Guid, Money>();
        var contents = client.V1.BalanceTransactions.ListAutoPagingAsync(
            new BalanceTransactionListOptions { Payout = payout.Id, Limit = 100, Expand = ["data.source"] }, cancellationToken: cancellationToken);
        await foreach (var transaction in contents)
        {
            // The payout's own transaction (−N) is the payout itself, not one of its items.
            if (transaction.Type == "payout")
                continue;
            var (kind, paymentId) = transaction.Source switch
            {
                Charge charge => (PayoutItemKind.Payment, await lookup.FromPaymentIntentAsync(charge.PaymentIntentId, charge.Metadata, cancellationToken)),
                Refund refund => (PayoutItemKind.Refund, await lookup.FromPaymentIntentAsync(refund.PaymentIntentId, refund.Metadata, cancellationToken)),
                _ => (PayoutItemKind.Other, (Guid?)null),
            };
            lines.Add(new PayoutLine(kind, transaction.SourceId ?? transaction.Id, StripeAmounts.FromStripe(transaction.Amount, transaction.Currency), paymentId));
            if (transaction.Fee == 0)
                continue;
            var fee = StripeAmounts.FromStripe(transaction.Fee, transaction.Currency);
            lines.Add(new PayoutLine(PayoutItemKind.Fee, transaction.Id, -fee, paymentId));
            if (kind == PayoutItemKind.Payment && paymentId is { } id)
                fees[id] = fee;
        }

        var paidKey = ProviderPayouts.Key(PaymentProvider.Stripe, payout.Id, PayoutStatus.Paid);
        foreach (var (paymentId, fee) in fees)
            await lookup.Payments.RecordFeeAsync(paymentId, fee, $"{paidKey}:fee:{paymentId:N}", cancellationToken);
        await payouts.RecordAsync(new PayoutReport(PaymentProvider.Stripe, payout.Id, current, StripeAmounts.FromStripe(payout.Amount, payout.Currency),
            DateOnly.FromDateTime(payout.ArrivalDate), lines), cancellationToken);
        return WebhookOutcome.Applied;
    }
}
