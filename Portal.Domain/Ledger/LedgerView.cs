namespace Portal.Domain.Ledger;

/// <summary>
/// Balances read from postings, the way the app reads them from the database: an invoice's amount due is
/// the sum of its receivable postings; a client's credit is the negative of the sum of its wallet postings
/// (the wallet is what the firm owes the client).
/// </summary>
public sealed class LedgerView
{
    private readonly List<Posting> _postings = [];

    public LedgerView() { }

    public LedgerView(IEnumerable<LedgerTransaction> transactions)
    {
        foreach (var transaction in transactions)
            Add(transaction);
    }

    public IReadOnlyList<Posting> Postings => _postings;

    public void Add(LedgerTransaction? transaction)
    {
        if (transaction is not null)
            _postings.AddRange(transaction.Postings);
    }

    public Money AmountDue(Guid invoiceId, Currency currency) =>
        Sum(currency, p => p.AccountKind == LedgerAccountKind.Receivable && p.InvoiceId == invoiceId);

    public Money WalletCredit(Guid clientAccountId, Currency currency) =>
        -Sum(currency, p => p.AccountKind == LedgerAccountKind.Wallet && p.ClientAccountId == clientAccountId);

    public Money Balance(LedgerAccount account, Currency currency) =>
        Sum(currency, p => p.AccountCode == account.Code);

    /// <summary>Amount due per invoice, for every invoice with receivable postings (a statement).</summary>
    public IReadOnlyDictionary<Guid, Money> AmountsDue() =>
        _postings.Where(p => p.AccountKind == LedgerAccountKind.Receivable)
            .GroupBy(p => (p.InvoiceId!.Value, p.Currency))
            .ToDictionary(g => g.Key.Value, g => g.Select(p => p.Amount).Sum(g.Key.Currency));

    /// <summary>Credit per client and currency, for every wallet with postings.</summary>
    public IReadOnlyDictionary<(Guid ClientAccountId, Currency Currency), Money> WalletCredits() =>
        _postings.Where(p => p.AccountKind == LedgerAccountKind.Wallet)
            .GroupBy(p => (p.ClientAccountId!.Value, p.Currency))
            .ToDictionary(g => g.Key, g => -g.Select(p => p.Amount).Sum(g.Key.Currency));

    /// <summary>Every account's balance per currency, for trial balances and exports.</summary>
    public IReadOnlyDictionary<(string AccountCode, Currency Currency), Money> Balances() =>
        _postings.GroupBy(p => (p.AccountCode, p.Currency))
            .ToDictionary(g => g.Key, g => g.Select(p => p.Amount).Sum(g.Key.Currency));

    private Money Sum(Currency currency, Func<Posting, bool> filter) =>
        _postings.Where(p => p.Currency == currency && filter(p)).Select(p => p.Amount).Sum(currency);
}
