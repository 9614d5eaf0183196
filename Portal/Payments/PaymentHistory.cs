using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Payments;

namespace Portal.Payments;

/// <summary>Part of a payment on one invoice (null invoice: the client's credit).</summary>
public sealed record PaymentShare(Guid? InvoiceId, string? InvoiceNumber, Money Amount, Money Pending);

public sealed record PaymentSummary(
    Guid Id, PaymentMethod Method, PaymentProvider Provider, PaymentStatus Status, Money Amount, Money Fee, Money Refunded,
    string? Reference, bool Disputed, DateTimeOffset CreatedAt, DateTimeOffset? SucceededAt, IReadOnlyList<PaymentShare> Shares,
    ReversalReason? Reversal = null);

/// <summary>One payment as seen from an invoice: what it put (or holds pending) on that invoice.</summary>
public sealed record InvoicePaymentLine(Guid PaymentId, PaymentMethod Method, PaymentStatus Status, Money OnInvoice, Money Pending, DateTimeOffset CreatedAt, DateTimeOffset? SucceededAt,
    ReversalReason? Reversal = null);

/// <summary>
/// Payments for pages: a client's payments, and the payments of one invoice. Pending money is shown as pending, never
/// as paid; attempts that never reached the provider's money stage are not shown at all.
/// </summary>
public sealed class PaymentHistory(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>The client's payments, newest first, with where each one's money went.</summary>
    public async Task<IReadOnlyList<PaymentSummary>> ForClientAsync(Guid clientAccountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Attempts that never reached the provider's money stage (a hosted page left or still open) are no payments.
        var payments = await db.Payments.AsNoTracking().Where(p => p.ClientAccountId == clientAccountId).Where(Payment.ReachedMoneyStage)
            .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).ToListAsync(cancellationToken);
        var invoiceIds = payments.SelectMany(p => p.Allocations).Where(a => a.InvoiceId != null).Select(a => a.InvoiceId!.Value).Distinct().ToArray();
        var numbers = await db.Invoices.Where(i => invoiceIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Number, cancellationToken);
        return payments.Select(p => new PaymentSummary(p.Id, p.Method, p.Provider, p.Status, p.Amount, p.Fee, p.Refunded, p.Reference, p.Disputed, p.CreatedAt, p.SucceededAt,
            p.Allocations.Select(a => new PaymentShare(a.InvoiceId, a.InvoiceId is { } id ? numbers.GetValueOrDefault(id) : null, a.Amount, a.Reserved)).ToArray(), p.ReversalReason)).ToArray();
    }

    /// <summary>Every payment that paid, or is in flight towards, the invoice, oldest first.</summary>
    public async Task<IReadOnlyList<InvoicePaymentLine>> ForInvoiceAsync(Guid invoiceId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Invoices.AnyAsync(i => i.Id == invoiceId, cancellationToken))
            throw new NotFoundException("invoice");
        var rows = await (
            from allocation in db.PaymentAllocations
            join payment in db.Payments.Where(Payment.ReachedMoneyStage) on allocation.PaymentId equals payment.Id
            where allocation.InvoiceId == invoiceId
            select new { payment.Id, payment.Method, payment.Status, allocation.AmountMinor, allocation.ReservedMinor, allocation.Currency, payment.CreatedAt, payment.SucceededAt, payment.ReversalReason })
            .ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Select(r => new InvoicePaymentLine(r.Id, r.Method, r.Status, new Money(r.AmountMinor, r.Currency), new Money(r.ReservedMinor, r.Currency), r.CreatedAt, r.SucceededAt, r.ReversalReason)).ToArray();
    }
}
