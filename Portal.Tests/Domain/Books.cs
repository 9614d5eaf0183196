using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Domain.Wallets;

namespace Portal.Tests.Domain;

/// <summary>One firm's books for a test: clients, invoices, wallets and everything posted so far.</summary>
internal sealed class Books
{
    public static readonly DateTimeOffset Now = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);
    public static readonly BusinessCalendar Calendar = new(Firm.DefaultTimeZone);

    private readonly Dictionary<(Guid, Currency), Wallet> _wallets = [];
    private int _keys;

    public Firm Firm { get; } = new("acme-advisers", "Acme Advisers", Currency.EUR, Now);
    public LedgerView Ledger { get; } = new();
    public List<LedgerTransaction> Transactions { get; } = [];

    public static Money Eur(long minor) => new(minor, Currency.EUR);
    public static Money Jpy(long minor) => new(minor, Currency.JPY);

    public ClientAccount Client(string name = "Bistro Lumière", Currency? currency = null) =>
        new(Firm.Id, name, $"billing@{name.Length}{Guid.NewGuid():N}.test", currency ?? Currency.EUR, Now);

    public string Key() => $"op-{++_keys}";

    public Wallet Wallet(ClientAccount client, Currency? currency = null)
    {
        var key = (client.Id, currency ?? client.Currency);
        if (!_wallets.TryGetValue(key, out var wallet))
            _wallets[key] = wallet = new Wallet(client, key.Item2);
        return wallet;
    }

    public IEnumerable<Wallet> Wallets => _wallets.Values;

    public static Invoice Draft(ClientAccount client, Currency currency, int dueInDays, params InvoiceLineInput[] lines)
    {
        var invoice = new Invoice(client, currency, Today, Today.AddDays(dueInDays), Now);
        invoice.ReplaceLines(lines);
        return invoice;
    }

    /// <summary>An issued invoice of one line (no tax unless given), booked in the ledger.</summary>
    public Invoice Issued(ClientAccount client, long netMinor, int taxBasisPoints = 0, int dueInDays = 30, Currency? currency = null)
    {
        var invoice = Draft(client, currency ?? client.Currency, dueInDays, new InvoiceLineInput("Advice", 1m, netMinor, taxBasisPoints));
        Post(InvoiceBooking.Issue(invoice, Firm, client, Key(), Now));
        return invoice;
    }

    public LedgerTransaction? Post(LedgerTransaction? transaction)
    {
        if (transaction is null)
            return null;
        Transactions.Add(transaction);
        Ledger.Add(transaction);
        return transaction;
    }

    public Payment Post(BookedPayment booked)
    {
        Post(booked.Transaction);
        return booked.Payment;
    }

    /// <summary>A card payment the client started with explicit amounts per invoice, not succeeded yet.</summary>
    public static Payment CardPayment(ClientAccount client, params (Invoice Invoice, long Minor)[] parts) =>
        Payment.TowardsInvoices(client, PaymentMethod.Card, PaymentProvider.Stripe,
            parts.Select(p => new InvoicePayment(p.Invoice, new Money(p.Minor, p.Invoice.Currency))).ToArray(), Now);

    /// <summary>A card payment that succeeded, booked.</summary>
    public Payment PaidByCard(ClientAccount client, params (Invoice Invoice, long Minor)[] parts)
    {
        var payment = CardPayment(client, parts);
        Post(Settlement.ApplySucceeded(payment, parts.Select(p => p.Invoice).ToArray(), Wallet(client, payment.Currency), Key(), Now));
        return payment;
    }

    public Payment Prepaid(ClientAccount client, Money amount)
    {
        var payment = Payment.Prepayment(client, PaymentMethod.Card, PaymentProvider.Stripe, amount, Now);
        Post(Settlement.ApplySucceeded(payment, [], Wallet(client, amount.Currency), Key(), Now));
        return payment;
    }

    /// <summary>The invariants every test can check: balanced transactions, and balances the same whether read from aggregates or postings.</summary>
    public void ShouldAgreeWithLedger(IEnumerable<Invoice> invoices)
    {
        foreach (var transaction in Transactions)
            foreach (var currency in transaction.Postings.GroupBy(p => p.Currency))
                currency.Sum(p => p.AmountMinor).ShouldBe(0, $"{transaction} does not balance in {currency.Key}");
        foreach (var invoice in invoices.Where(i => i.Status != InvoiceStatus.Draft))
        {
            Ledger.AmountDue(invoice.Id, invoice.Currency).ShouldBe(invoice.AmountDue, $"amount due on {invoice.Number}");
            invoice.Paid.Minor.ShouldBeLessThanOrEqualTo(invoice.Total.Minor - invoice.Credited.Minor, $"paid on {invoice.Number}");
        }
        foreach (var wallet in Wallets)
        {
            Ledger.WalletCredit(wallet.ClientAccountId, wallet.Currency).ShouldBe(wallet.Balance, "wallet balance");
            if (!wallet.NeedsAttention)
                wallet.BalanceMinor.ShouldBeGreaterThanOrEqualTo(0);
        }
    }
}
