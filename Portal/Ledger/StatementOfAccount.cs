using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;

namespace Portal.Ledger;

/// <summary>
/// One ledger transaction as the client sees it. <paramref name="Charged"/> is what it added to what the client
/// owes (receivable postings), <paramref name="Credit"/> what it added to the client's credit (minus the wallet
/// postings); <paramref name="Balance"/> is what the client owes after it, less its credit. What a person reads of it
/// comes from its kind, the payment's method, the reason a payment was taken back and the invoices it concerns,
/// never from the ledger's internal source text.
/// </summary>
public sealed record StatementEntry(DateTimeOffset At, LedgerTransactionKind Kind, Money Charged, Money Credit, Money Balance,
    PaymentMethod? Method = null, ReversalReason? Reversal = null, IReadOnlyList<string>? Invoices = null);

public sealed record Statement(Guid ClientAccountId, Currency Currency, DateOnly From, DateOnly To, Money Opening, IReadOnlyList<StatementEntry> Entries, Money Closing);

/// <summary>A client's statement over a date range, read from the postings on its receivable and wallet accounts.</summary>
public sealed class StatementOfAccount(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Entries from <paramref name="from"/> to <paramref name="to"/> (whole days of the firm's calendar) with a running balance; the opening balance sums everything before.</summary>
    public async Task<Statement> ForClientAsync(Guid clientAccountId, Currency currency, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        if (to < from)
            throw new DomainException("The end of a statement cannot be before its start.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Postings are filtered by firm only: the client row says whether this client is visible to the caller.
        if (!await db.ClientAccounts.AnyAsync(c => c.Id == clientAccountId, cancellationToken))
            throw new NotFoundException("client");
        var calendar = await Portal.Firms.FirmCalendar.OfAsync(db, cancellationToken);
        var (start, end) = (calendar.StartOf(from), calendar.EndOf(to));
        var mine = db.Postings.Where(p => p.ClientAccountId == clientAccountId && p.Currency == currency);
        var opening = await (
            from posting in mine
            join transaction in db.LedgerTransactions on posting.TransactionId equals transaction.Id
            where transaction.OccurredAt < start
            select posting.AmountMinor).SumAsync(cancellationToken);
        var rows = await (
            from posting in mine
            join transaction in db.LedgerTransactions on posting.TransactionId equals transaction.Id
            where transaction.OccurredAt >= start && transaction.OccurredAt < end
            select new { transaction.Id, transaction.OccurredAt, transaction.Kind, transaction.PaymentId, posting.AccountKind, posting.AmountMinor, posting.InvoiceId })
            .ToListAsync(cancellationToken);
        var paymentIds = rows.Where(r => r.PaymentId != null).Select(r => r.PaymentId!.Value).Distinct().ToArray();
        var payments = await db.Payments.Where(p => paymentIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Method, p.ReversalReason }).ToDictionaryAsync(p => p.Id, cancellationToken);
        var invoiceIds = rows.Where(r => r.InvoiceId != null).Select(r => r.InvoiceId!.Value).Distinct().ToArray();
        var numbers = await db.Invoices.Where(i => invoiceIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Number ?? "", cancellationToken);

        var balance = opening;
        var entries = new List<StatementEntry>();
        foreach (var transaction in rows.GroupBy(r => (r.Id, r.OccurredAt, r.Kind, r.PaymentId)).OrderBy(g => g.Key.OccurredAt).ThenBy(g => g.Key.Id))
        {
            var charged = transaction.Where(r => r.AccountKind == LedgerAccountKind.Receivable).Sum(r => r.AmountMinor);
            var credit = -transaction.Where(r => r.AccountKind == LedgerAccountKind.Wallet).Sum(r => r.AmountMinor);
            balance += charged - credit;
            var payment = transaction.Key.PaymentId is { } paymentId ? payments.GetValueOrDefault(paymentId) : null;
            var invoices = transaction.Where(r => r.InvoiceId != null).Select(r => numbers.GetValueOrDefault(r.InvoiceId!.Value, "")).Where(n => n.Length > 0)
                .Distinct().Order(StringComparer.Ordinal).ToArray();
            entries.Add(new StatementEntry(transaction.Key.OccurredAt, transaction.Key.Kind,
                new Money(charged, currency), new Money(credit, currency), new Money(balance, currency), payment?.Method, payment?.ReversalReason, invoices));
        }
        return new Statement(clientAccountId, currency, from, to, new Money(opening, currency), entries, new Money(balance, currency));
    }
}
