namespace Portal.Domain.Ledger;

/// <summary>
/// One line of a ledger transaction: a signed amount on one account (debit positive, credit negative).
/// Receivable postings name the invoice they concern; receivable and wallet postings name the client.
/// Postings are append-only: a mistake is corrected by a new transaction, never by an edit.
/// </summary>
public sealed class Posting : ITenantOwned
{
    private Posting() { }

    public Posting(LedgerAccount account, Money amount, Guid? invoiceId = null)
    {
        if (amount.IsZero)
            throw new ArgumentException("A posting moves some money; leave out zero amounts.", nameof(amount));
        if (amount.Currency.IsUnset)
            throw new ArgumentException("A posting needs a currency.", nameof(amount));
        if (account.Kind == LedgerAccountKind.Receivable && invoiceId is null)
            throw new ArgumentException("A receivable posting names the invoice it concerns.", nameof(invoiceId));

        Id = Guid.CreateVersion7();
        AccountCode = account.Code;
        AccountKind = account.Kind;
        AmountMinor = amount.Minor;
        Currency = amount.Currency;
        InvoiceId = invoiceId;
        ClientAccountId = account.ClientAccountId;
    }

    public Guid Id { get; private set; }
    public Guid TransactionId { get; private set; }
    public Guid FirmId { get; private set; }
    public string AccountCode { get; private set; } = "";
    /// <summary>Stored beside the code so that balances per kind (all receivables of an invoice) are simple queries.</summary>
    public LedgerAccountKind AccountKind { get; private set; }
    public long AmountMinor { get; private set; }
    public Currency Currency { get; private set; }
    public Guid? InvoiceId { get; private set; }
    public Guid? ClientAccountId { get; private set; }

    public Money Amount => new(AmountMinor, Currency);
    public LedgerAccount Account => LedgerAccount.Parse(AccountCode);

    internal Posting Negated() => new(Account, -Amount, InvoiceId);

    internal void AttachTo(LedgerTransaction transaction)
    {
        if (TransactionId != Guid.Empty)
            throw new InvalidOperationException("A posting belongs to one transaction only.");
        TransactionId = transaction.Id;
        FirmId = transaction.FirmId;
    }

    public override string ToString() => $"{AccountCode} {Amount}{(InvoiceId is { } id ? $" (invoice {id})" : "")}";
}
