using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Books;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;

namespace Portal.Books;

public sealed record TrialBalanceRow(string Account, string Name, Currency Currency, long OpeningMinor, long DebitMinor, long CreditMinor)
{
    public long ClosingMinor => OpeningMinor + DebitMinor - CreditMinor;
}

public sealed record AccountLedgerRow(JournalEntry Entry, JournalLine Line, long BalanceMinor);

public sealed record AgedReceivable(Guid ClientAccountId, string Client, Currency Currency, long CurrentMinor, long Days1To30Minor,
    long Days31To60Minor, long Days61To90Minor, long Over90Minor)
{
    public long TotalMinor => CurrentMinor + Days1To30Minor + Days31To60Minor + Days61To90Minor + Over90Minor;
}

public sealed record TransactionDetail(Guid Id, LedgerTransactionKind Kind, DateTimeOffset OccurredAt, IReadOnlyList<JournalLine> Lines,
    IReadOnlyList<(Guid Id, string? Number, InvoiceStatus Status, Money Total, Money Due, DateOnly DueDate)> Invoices,
    (Guid Id, PaymentMethod Method, PaymentStatus Status, Money Amount, string? Reference)? Payment);

/// <summary>The read-only views of the books: trial balance, account ledger, aged receivables, one transaction.</summary>
public sealed class BooksReports(IDbContextFactory<PortalDbContext> dbFactory, JournalEntries journal)
{
    /// <summary>Per chart account and currency: balance before the first month, debits and credits over the months, closing balance.</summary>
    public async Task<IReadOnlyList<TrialBalanceRow>> TrialBalanceAsync(AccountingPeriod from, AccountingPeriod to, CancellationToken cancellationToken = default)
    {
        if (to < from)
            throw new DomainException("The last month cannot be before the first.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var chart = await JournalEntries.ChartOf(db, cancellationToken);
        var calendar = await Portal.Firms.FirmCalendar.OfAsync(db, cancellationToken);
        var (start, end) = (calendar.StartOf(from), calendar.EndOf(to));
        var sums = await (
            from posting in db.Postings
            join transaction in db.LedgerTransactions on posting.TransactionId equals transaction.Id
            where transaction.OccurredAt < end
            group new { posting.AmountMinor, Before = transaction.OccurredAt < start } by new { posting.AccountCode, posting.Currency } into account
            select new
            {
                account.Key.AccountCode,
                account.Key.Currency,
                Opening = account.Sum(p => p.Before ? p.AmountMinor : 0),
                Debit = account.Sum(p => !p.Before && p.AmountMinor > 0 ? p.AmountMinor : 0),
                Credit = account.Sum(p => !p.Before && p.AmountMinor < 0 ? -p.AmountMinor : 0),
            }).ToListAsync(cancellationToken);
        var balances = sums.Select(s => (Account: chart.AccountFor(LedgerAccount.Parse(s.AccountCode)), s.Currency, s.Opening, s.Debit, s.Credit)).ToList();
        // Deposit VAT as the journal entries show it (decision 0027): the same amount moves from the client's credit
        // account to VAT collected, on the side the credit posting was on (credit on receipt, debit on use).
        foreach (var vat in (await JournalEntries.DepositVatAsync(db, null, end, cancellationToken)).Values)
        {
            var before = vat.At < start;
            var (debit, credit) = vat.TaxMinor > 0 ? (vat.TaxMinor, 0L) : (0L, -vat.TaxMinor);
            balances.Add((chart.PrepaymentsAccount, vat.Currency, before ? -vat.TaxMinor : 0, before ? 0 : -debit, before ? 0 : -credit));
            balances.Add((chart.VatCollectedAccount, vat.Currency, before ? vat.TaxMinor : 0, before ? 0 : debit, before ? 0 : credit));
        }
        return balances
            .GroupBy(s => (s.Account, s.Currency))
            .Select(g => new TrialBalanceRow(g.Key.Account, chart.NameOfAccount(g.Key.Account), g.Key.Currency,
                g.Sum(s => s.Opening), g.Sum(s => s.Debit), g.Sum(s => s.Credit)))
            .OrderBy(r => r.Account, StringComparer.Ordinal).ThenBy(r => r.Currency.Code, StringComparer.Ordinal).ToList();
    }

    /// <summary>The lines booked on one chart account over the months, with a running balance per currency from the opening balance.</summary>
    public async Task<(IReadOnlyList<TrialBalanceRow> Opening, IReadOnlyList<AccountLedgerRow> Rows)> AccountLedgerAsync(string account, AccountingPeriod from, AccountingPeriod to,
        CancellationToken cancellationToken = default)
    {
        var balance = (await TrialBalanceAsync(from, to, cancellationToken)).Where(r => r.Account == account).ToList();
        var running = balance.ToDictionary(r => r.Currency, r => r.OpeningMinor);
        var rows = new List<AccountLedgerRow>();
        await foreach (var entry in journal.ReadAsync(from, to, cancellationToken: cancellationToken))
            foreach (var line in entry.Lines.Where(l => l.Account == account))
            {
                running[line.Currency] = running.GetValueOrDefault(line.Currency) + line.DebitMinor - line.CreditMinor;
                rows.Add(new AccountLedgerRow(entry, line, running[line.Currency]));
            }
        return (balance, rows);
    }

    /// <summary>
    /// What each client owes, by how late: the amount due the invoices show (total less paid and credited), placed by
    /// days past the due date on <paramref name="today"/>.
    /// </summary>
    public async Task<IReadOnlyList<AgedReceivable>> AgedReceivablesAsync(DateOnly today, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var open = await (
            from invoice in db.Invoices
            where invoice.Status == InvoiceStatus.Open || invoice.Status == InvoiceStatus.PartiallyPaid
            join client in db.ClientAccounts on invoice.ClientAccountId equals client.Id
            select new { invoice.ClientAccountId, client.Name, invoice.Currency, invoice.DueDate, Due = invoice.TotalMinor - invoice.CreditedMinor - invoice.PaidMinor })
            .ToListAsync(cancellationToken);
        return open.Where(i => i.Due != 0)
            .GroupBy(i => (i.ClientAccountId, i.Name, i.Currency))
            .Select(g =>
            {
                long Bucket(int fromDays, int toDays) => g.Where(i => today.DayNumber - i.DueDate.DayNumber is var late && late >= fromDays && late <= toDays).Sum(i => i.Due);
                return new AgedReceivable(g.Key.ClientAccountId, g.Key.Name, g.Key.Currency,
                    Bucket(int.MinValue, 0), Bucket(1, 30), Bucket(31, 60), Bucket(61, 90), Bucket(91, int.MaxValue));
            })
            .OrderBy(r => r.Client, StringComparer.CurrentCultureIgnoreCase).ToList();
    }

    /// <summary>One ledger transaction with its lines in the chart, and the invoices and payment it concerns.</summary>
    public async Task<TransactionDetail> TransactionAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var chart = await JournalEntries.ChartOf(db, cancellationToken);
        var transaction = await db.LedgerTransactions.AsNoTracking().Include(t => t.Postings).SingleOrDefaultAsync(t => t.Id == id, cancellationToken)
            ?? throw new NotFoundException("transaction");
        var invoiceIds = transaction.Postings.Where(p => p.InvoiceId != null).Select(p => p.InvoiceId!.Value).Distinct().ToArray();
        var invoices = await db.Invoices.AsNoTracking().Where(i => invoiceIds.Contains(i.Id)).ToListAsync(cancellationToken);
        var payment = transaction.PaymentId is { } paymentId ? await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == paymentId, cancellationToken) : null;
        var clientIds = transaction.Postings.Where(p => p.ClientAccountId != null).Select(p => p.ClientAccountId!.Value).Distinct().ToArray();
        var clients = await db.ClientAccounts.AsNoTracking().Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var lines = transaction.Postings.Select(p =>
        {
            var account = chart.AccountFor(p.Account);
            var aux = p.ClientAccountId is { } c ? chart.AuxiliaryAccountOf(c) : null;
            return new JournalLine(account, chart.NameOfAccount(account), aux, p.ClientAccountId is { } cid ? clients.GetValueOrDefault(cid) : null,
                Math.Max(p.AmountMinor, 0), Math.Max(-p.AmountMinor, 0), p.Currency, null, null, p.InvoiceId, p.ClientAccountId);
        }).ToList();
        return new TransactionDetail(transaction.Id, transaction.Kind, transaction.OccurredAt, lines,
            invoices.Select(i => (i.Id, i.Number, i.Status, i.Total, i.AmountDue, i.DueDate)).ToList(),
            payment is null ? null : (payment.Id, payment.Method, payment.Status, payment.Amount, payment.Reference));
    }
}
