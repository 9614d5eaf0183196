using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Domain.Payouts;

namespace Portal.Payouts;

public sealed record PayoutSummary(Guid Id, PaymentProvider Provider, string ProviderPayoutId, DateOnly? ArrivalDate, DateTimeOffset RecordedAt,
    Money Net, Money Fees, Money? FeeTax, PayoutStatus Status, int Unmatched);

/// <summary>One item of a payout with what it is matched to: our payment, the ledger transaction that booked it, and the invoices it paid.</summary>
public sealed record PayoutItemLine(PayoutItemKind Kind, string ProviderObjectId, Money Amount, Money? FeeTax, Guid? PaymentId, string? PaymentReference,
    Guid? PaymentTransactionId, IReadOnlyList<(Guid Id, string Number)> Invoices, bool Unmatched);

/// <summary>
/// A payout checked against the books. Its items must add up to its net amount, and the clearing account must net to
/// zero over the payout's booking and everything booked on the payments it contains (each payment in, its fee and
/// refunds out): then every euro that reached the bank is explained by our own payments.
/// </summary>
public sealed record PayoutDetail(PayoutSummary Summary, IReadOnlyList<PayoutItemLine> Items, Money ItemsTotal, Money ClearingRemainder)
{
    public bool ItemsAddUp => ItemsTotal == Summary.Net;
    public bool ClearingNetsToZero => ClearingRemainder.IsZero;
    public bool Reconciled => Summary.Status == PayoutStatus.Paid && ItemsAddUp && ClearingNetsToZero && Summary.Unmatched == 0;
}

/// <summary>The payout reconciliation views of the books: the firm's payouts, and one payout item by item.</summary>
public sealed class PayoutReconciliation(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>The newest 500 payouts, newest first: about two years of daily payouts per provider; older ones stay readable by id.</summary>
    public async Task<IReadOnlyList<PayoutSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payouts = await db.ProviderPayouts.AsNoTracking().OrderByDescending(p => p.RecordedAt).ThenByDescending(p => p.Id).Take(500).ToListAsync(cancellationToken);
        return payouts.Select(Summarise).ToList();
    }

    /// <summary>One payout of the firm; another firm's id, or an unknown one, is not found.</summary>
    public async Task<PayoutDetail> DetailAsync(Guid payoutId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payout = await db.ProviderPayouts.AsNoTracking().SingleOrDefaultAsync(p => p.Id == payoutId, cancellationToken)
            ?? throw new NotFoundException("payout");
        var paymentIds = payout.Items.Where(i => i.PaymentId is not null).Select(i => i.PaymentId!.Value).Distinct().ToArray();
        var payments = await db.Payments.AsNoTracking().Where(p => paymentIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Reference, Invoices = p.Allocations.Where(a => a.InvoiceId != null).Select(a => a.InvoiceId!.Value).ToList() })
            .ToListAsync(cancellationToken);
        var bookedBy = await db.LedgerTransactions.AsNoTracking()
            .Where(t => t.PaymentId != null && paymentIds.Contains(t.PaymentId.Value) && t.Kind == LedgerTransactionKind.PaymentSucceeded)
            .OrderBy(t => t.OccurredAt).Select(t => new { PaymentId = t.PaymentId!.Value, t.Id }).ToListAsync(cancellationToken);
        var invoiceIds = payments.SelectMany(p => p.Invoices).Distinct().ToArray();
        var numbers = await db.Invoices.AsNoTracking().Where(i => invoiceIds.Contains(i.Id)).Select(i => new { i.Id, i.Number })
            .ToDictionaryAsync(i => i.Id, i => i.Number ?? "", cancellationToken);

        var clearing = LedgerAccount.Clearing(payout.Provider).Code;
        var ownTransactions = new[] { payout.PaidTransactionId, payout.ReversalTransactionId }.Where(id => id is not null).Select(id => id!.Value).ToArray();
        var remainder = await (
            from posting in db.Postings
            join transaction in db.LedgerTransactions on posting.TransactionId equals transaction.Id
            where posting.AccountCode == clearing && posting.Currency == payout.Currency
                && (ownTransactions.Contains(transaction.Id) || (transaction.PaymentId != null && paymentIds.Contains(transaction.PaymentId.Value)))
            select posting.AmountMinor).SumAsync(cancellationToken);

        var items = payout.Items.OrderBy(i => i.Position).Select(item =>
        {
            var payment = payments.SingleOrDefault(p => p.Id == item.PaymentId);
            var invoices = payment?.Invoices.Distinct().Select(id => (id, numbers.GetValueOrDefault(id, ""))).ToList() ?? [];
            var tax = item.FeeTaxMinor is { } minor ? new Money(minor, item.Currency) : (Money?)null;
            return new PayoutItemLine(item.Kind, item.ProviderObjectId, item.Amount, tax, item.PaymentId, payment?.Reference,
                bookedBy.FirstOrDefault(b => b.PaymentId == item.PaymentId)?.Id, invoices, item.IsUnmatched);
        }).ToList();
        return new PayoutDetail(Summarise(payout), items, payout.Items.Select(i => i.Amount).Sum(payout.Currency), new Money(remainder, payout.Currency));
    }

    private static PayoutSummary Summarise(ProviderPayout payout) => new(payout.Id, payout.Provider, payout.ProviderPayoutId, payout.ArrivalDate, payout.RecordedAt,
        payout.Net, payout.Fees, payout.FeeTax, payout.Status, payout.UnmatchedCount);
}
