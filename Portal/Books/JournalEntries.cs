using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Books;
using Portal.Domain.Firms;
using Portal.Firms;
using Portal.Domain.Ledger;

namespace Portal.Books;

/// <summary>
/// The ledger read as journal entries (docs/decisions/0016): each ledger transaction is one entry, in the journal
/// its accounts say, numbered in order of time (then id) within its journal and month. Nothing is stored: a closed
/// month takes no new transaction, so its numbers never change. Read as a stream, one transaction in memory at a time.
/// </summary>
public sealed class JournalEntries(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<ChartOfAccounts> ChartAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ChartOf(db, cancellationToken);
    }

    internal static async Task<ChartOfAccounts> ChartOf(PortalDbContext db, CancellationToken cancellationToken)
    {
        var chart = await db.ChartsOfAccounts.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (chart is not null)
            return chart;
        var firmId = db.Tenant.FirmId ?? throw new DomainException("Sign in to a firm to read its books.");
        return ChartOfAccounts.Default(firmId, "fr");
    }

    /// <summary>Entries of whole months <paramref name="from"/> to <paramref name="to"/>, of one journal or all.</summary>
    public async IAsyncEnumerable<JournalEntry> ReadAsync(AccountingPeriod from, AccountingPeriod to, Journal? only = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (to < from)
            throw new DomainException("The last month of an export cannot be before its first.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var chart = await ChartOf(db, cancellationToken);
        var calendar = await FirmCalendar.OfAsync(db, cancellationToken);
        var start = calendar.StartOf(from);
        var end = calendar.EndOf(to);
        var closed = await db.ClosedPeriods.AsNoTracking().Select(p => new { p.Year, p.Month, p.ClosedAt }).ToListAsync(cancellationToken);
        var closedOn = closed.ToDictionary(p => new AccountingPeriod(p.Year, p.Month), p => calendar.DayOf(p.ClosedAt));
        // Invoices settled by the end of the export, with the day they were: their lines are lettered.
        var settled = await (
            from posting in db.Postings
            where posting.AccountKind == LedgerAccountKind.Receivable
            join transaction in db.LedgerTransactions on posting.TransactionId equals transaction.Id
            where transaction.OccurredAt < end
            group new { posting.AmountMinor, transaction.OccurredAt } by posting.InvoiceId into invoice
            where invoice.Sum(p => p.AmountMinor) == 0
            select new { InvoiceId = invoice.Key!.Value, On = invoice.Max(p => p.OccurredAt) })
            .ToDictionaryAsync(i => i.InvoiceId, i => calendar.DayOf(i.On), cancellationToken);

        var depositVat = await DepositVatAsync(db, start, end, cancellationToken);

        var rows =
            from posting in db.Postings
            join transaction in db.LedgerTransactions on posting.TransactionId equals transaction.Id
            where transaction.OccurredAt >= start && transaction.OccurredAt < end
            join invoice in db.Invoices on posting.InvoiceId equals invoice.Id into invoices
            from invoice in invoices.DefaultIfEmpty()
            join payment in db.Payments on transaction.PaymentId equals payment.Id into payments
            from payment in payments.DefaultIfEmpty()
            join client in db.ClientAccounts on posting.ClientAccountId equals client.Id into clients
            from client in clients.DefaultIfEmpty()
            join note in db.CreditNotes on transaction.Id equals note.LedgerTransactionId into notes
            from note in notes.DefaultIfEmpty()
            orderby transaction.OccurredAt, transaction.Id, posting.Id
            select new PostingRow(transaction.Id, transaction.Kind, transaction.OccurredAt, transaction.PaymentId,
                posting.AccountCode, posting.AmountMinor, posting.Currency, posting.InvoiceId, posting.ClientAccountId,
                invoice == null ? null : invoice.Number, invoice == null ? null : invoice.IssueDate,
                payment == null ? null : payment.Reference, payment == null ? null : payment.ProviderPaymentId, payment == null ? null : payment.Method,
                client == null ? null : client.Name, note == null ? null : note.Number);

        var counters = new Dictionary<(Journal, AccountingPeriod), int>();
        var current = new List<PostingRow>();
        await foreach (var row in rows.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (current.Count > 0 && current[0].TransactionId != row.TransactionId)
            {
                var entry = Entry(chart, calendar, current, counters, settled, closedOn, depositVat);
                current.Clear();
                if (only is null || entry.Journal == only)
                    yield return entry;
            }
            current.Add(row);
        }
        if (current.Count > 0)
        {
            var entry = Entry(chart, calendar, current, counters, settled, closedOn, depositVat);
            if (only is null || entry.Journal == only)
                yield return entry;
        }
    }

    /// <summary>
    /// The VAT deposits carry (decision 0027), by the ledger transaction it belongs to: collected when the deposit is
    /// received (negative: a credit to VAT collected), taken back when its credit is used on an invoice (positive). The
    /// ledger books the whole deposit to the client's credit; the books show that credit net of the VAT. Kept in memory
    /// for the months read: one small row per deposit and per use of one.
    /// </summary>
    internal static async Task<Dictionary<Guid, DepositVat>> DepositVatAsync(PortalDbContext db, DateTimeOffset? start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var vat = new Dictionary<Guid, DepositVat>();
        foreach (var deposit in await db.DepositInvoices.AsNoTracking().Where(d => (start == null || d.IssuedAt >= start) && d.IssuedAt < end && d.TaxMinor != 0)
                     .Select(d => new { d.LedgerTransactionId, d.TaxMinor, d.Number, d.IssuedAt, d.Currency }).ToListAsync(cancellationToken))
            vat[deposit.LedgerTransactionId] = new DepositVat(-deposit.TaxMinor, deposit.Currency, deposit.IssuedAt, deposit.Number);
        foreach (var used in await db.DepositDeductions.AsNoTracking().Where(d => (start == null || d.At >= start) && d.At < end && d.TaxMinor != 0)
                     .Select(d => new { d.LedgerTransactionId, d.TaxMinor, d.At, d.Currency }).ToListAsync(cancellationToken))
            vat[used.LedgerTransactionId] = vat.TryGetValue(used.LedgerTransactionId, out var earlier)
                ? earlier with { TaxMinor = earlier.TaxMinor + used.TaxMinor }
                : new DepositVat(used.TaxMinor, used.Currency, used.At, null);
        return vat;
    }

    /// <summary>Deposit VAT moved by one ledger transaction: signed as a posting to VAT collected; the deposit's number on receipt.</summary>
    internal sealed record DepositVat(long TaxMinor, Currency Currency, DateTimeOffset At, string? DepositNumber);

    internal sealed record PostingRow(Guid TransactionId, LedgerTransactionKind Kind, DateTimeOffset OccurredAt, Guid? PaymentId,
        string AccountCode, long AmountMinor, Currency Currency, Guid? InvoiceId, Guid? ClientAccountId,
        string? InvoiceNumber, DateOnly? InvoiceIssueDate, string? PaymentReference, string? ProviderPaymentId,
        Portal.Domain.Payments.PaymentMethod? PaymentMethod, string? ClientName, string? CreditNoteNumber);

    private static JournalEntry Entry(ChartOfAccounts chart, BusinessCalendar calendar, List<PostingRow> rows, Dictionary<(Journal, AccountingPeriod), int> counters,
        Dictionary<Guid, DateOnly> settled, Dictionary<AccountingPeriod, DateOnly> closedOn, Dictionary<Guid, DepositVat> depositVat)
    {
        var first = rows[0];
        var accounts = rows.Select(r => LedgerAccount.Parse(r.AccountCode)).ToList();
        var journal = ChartOfAccounts.JournalOf(first.Kind, accounts);
        var date = calendar.DayOf(first.OccurredAt);
        var period = AccountingPeriod.Of(date);
        var sequence = counters[(journal, period)] = counters.GetValueOrDefault((journal, period)) + 1;
        var invoiceNumbers = rows.Where(r => r.InvoiceNumber != null).Select(r => r.InvoiceNumber!).Distinct().Order(StringComparer.Ordinal).ToList();
        // A credit note is its entry's voucher: the entry refers to the credit note's own number.
        var deposit = depositVat.GetValueOrDefault(first.TransactionId);
        var reference = first.CreditNoteNumber is { } creditNote ? creditNote
            : deposit?.DepositNumber is { } depositNumber ? depositNumber
            : first.Kind is LedgerTransactionKind.InvoiceIssued or LedgerTransactionKind.InvoiceVoided && invoiceNumbers.Count > 0
            ? invoiceNumbers[0]
            : first.PaymentReference ?? first.ProviderPaymentId ?? (invoiceNumbers.Count > 0 ? invoiceNumbers[0] : first.TransactionId.ToString("N")[..12].ToUpperInvariant());
        var referenceDate = first.Kind == LedgerTransactionKind.InvoiceIssued && rows.FirstOrDefault(r => r.InvoiceIssueDate != null)?.InvoiceIssueDate is { } issued
            ? issued : date;
        var clientName = rows.FirstOrDefault(r => r.ClientName != null)?.ClientName;
        var lines = rows.Select((r, i) =>
        {
            var account = chart.AccountFor(accounts[i]);
            var aux = r.ClientAccountId is { } clientId ? chart.AuxiliaryAccountOf(clientId) : null;
            var lettered = accounts[i].Kind == LedgerAccountKind.Receivable && r.InvoiceId is { } invoiceId && settled.TryGetValue(invoiceId, out var on) && r.InvoiceNumber != null
                ? on : (DateOnly?)null;
            return new JournalLine(account, chart.NameOfAccount(account), aux, aux is null ? null : r.ClientName,
                Math.Max(r.AmountMinor, 0), Math.Max(-r.AmountMinor, 0), r.Currency,
                lettered is null ? null : r.InvoiceNumber, lettered, r.InvoiceId, r.ClientAccountId);
        }).ToList();
        if (deposit is not null && accounts.FindIndex(a => a.Kind == LedgerAccountKind.Wallet) is >= 0 and var wallet)
        {
            // The client's credit line shows the deposit net of its VAT, and VAT collected takes the rest: still balanced.
            var net = rows[wallet].AmountMinor - deposit.TaxMinor;
            lines[wallet] = lines[wallet] with { DebitMinor = Math.Max(net, 0), CreditMinor = Math.Max(-net, 0) };
            lines.Add(new JournalLine(chart.VatCollectedAccount, chart.NameOfAccount(chart.VatCollectedAccount), null, null,
                Math.Max(deposit.TaxMinor, 0), Math.Max(-deposit.TaxMinor, 0), deposit.Currency, null, null, null, null));
        }
        return new JournalEntry(journal, chart.CodeOf(journal), chart.NameOf(journal), JournalEntry.NumberOf(chart.CodeOf(journal), period, sequence),
            date, reference, referenceDate, BooksText.Label(chart.Language, first.Kind, first.PaymentMethod, invoiceNumbers, clientName),
            closedOn.GetValueOrDefault(period, date), first.TransactionId, first.PaymentId, lines);
    }
}
