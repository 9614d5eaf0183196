using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Ledger;

namespace Portal.Ledger;

/// <summary>
/// One ledger transaction as the client sees it. <paramref name="Charged"/> is what it added to what the client
/// owes (receivable postings), <paramref name="Credit"/> what it added to the client's credit (minus the wallet
/// postings); <paramref name="Balance"/> is what the client owes after it, less its credit.
/// </summary>
public sealed record StatementEntry(DateTimeOffset At, LedgerTransactionKind Kind, string Description, Money Charged, Money Credit, Money Balance);

public sealed record Statement(Guid ClientAccountId, Currency Currency, DateOnly From, DateOnly To, Money Opening, IReadOnlyList<StatementEntry> Entries, Money Closing);

/// <summary>A client's statement over a date range, read from the postings on its receivable and wallet accounts.</summary>
public sealed class StatementOfAccount(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Entries from <paramref name="from"/> to <paramref name="to"/> (whole UTC days) with a running balance; the opening balance sums everything before.</summary>
    public async Task<Statement> ForClientAsync(Guid clientAccountId, Currency currency, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        if (to < from)
            throw new DomainException("The end of a statement cannot be before its start.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Postings are filtered by firm only: the client row says whether this client is visible to the caller.
        if (!await db.ClientAccounts.AnyAsync(c => c.Id == clientAccountId, cancellationToken))
            throw new NotFoundException("client");
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
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
            select new { transaction.Id, transaction.OccurredAt, transaction.Kind, transaction.Source, posting.AccountKind, posting.AmountMinor })
            .ToListAsync(cancellationToken);

        var balance = opening;
        var entries = new List<StatementEntry>();
        foreach (var transaction in rows.GroupBy(r => (r.Id, r.OccurredAt, r.Kind, r.Source)).OrderBy(g => g.Key.OccurredAt).ThenBy(g => g.Key.Id))
        {
            var charged = transaction.Where(r => r.AccountKind == LedgerAccountKind.Receivable).Sum(r => r.AmountMinor);
            var credit = -transaction.Where(r => r.AccountKind == LedgerAccountKind.Wallet).Sum(r => r.AmountMinor);
            balance += charged - credit;
            entries.Add(new StatementEntry(transaction.Key.OccurredAt, transaction.Key.Kind, transaction.Key.Source,
                new Money(charged, currency), new Money(credit, currency), new Money(balance, currency)));
        }
        return new Statement(clientAccountId, currency, from, to, new Money(opening, currency), entries, new Money(balance, currency));
    }
}
