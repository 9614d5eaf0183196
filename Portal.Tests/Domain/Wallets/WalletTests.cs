using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Wallets;

namespace Portal.Tests.Domain.Wallets;

public class WalletTests
{
    private readonly Books _books = new();

    [Fact]
    public void Spending_never_takes_the_balance_below_zero()
    {
        var wallet = new Wallet(_books.Client(), Currency.EUR);
        wallet.Credit(Books.Eur(500));

        Should.Throw<DomainException>(() => wallet.Spend(Books.Eur(501)));
        wallet.Spend(Books.Eur(500));
        Should.Throw<DomainException>(() => wallet.Spend(Books.Eur(1)));
        wallet.Balance.ShouldBe(Books.Eur(0));
    }

    [Fact]
    public void A_reversal_may_go_negative_flags_and_blocks_spending_until_back_to_zero()
    {
        var wallet = new Wallet(_books.Client(), Currency.EUR);
        wallet.Credit(Books.Eur(300));
        wallet.ReverseSpentMoney(Books.Eur(1_000));

        wallet.Balance.ShouldBe(Books.Eur(-700));
        wallet.NeedsAttention.ShouldBeTrue();

        wallet.Credit(Books.Eur(800));
        wallet.NeedsAttention.ShouldBeFalse();
        wallet.Spend(Books.Eur(100));
        wallet.Balance.ShouldBe(Books.Eur(0));
    }

    [Fact]
    public void A_flagged_wallet_cannot_be_spent_even_when_partly_refilled()
    {
        var wallet = new Wallet(_books.Client(), Currency.EUR);
        wallet.ReverseSpentMoney(Books.Eur(500));
        wallet.Credit(Books.Eur(200));

        wallet.NeedsAttention.ShouldBeTrue();
        Should.Throw<DomainException>(() => wallet.Spend(Books.Eur(1)));
    }

    [Fact]
    public void A_reversal_that_leaves_the_balance_positive_does_not_flag()
    {
        var wallet = new Wallet(_books.Client(), Currency.EUR);
        wallet.Credit(Books.Eur(500));
        wallet.ReverseSpentMoney(Books.Eur(500));
        wallet.NeedsAttention.ShouldBeFalse();
    }

    [Fact]
    public void Foreign_currency_zero_and_negative_movements_are_refused()
    {
        var wallet = new Wallet(_books.Client(), Currency.EUR);
        Should.Throw<DomainException>(() => wallet.Credit(Books.Jpy(5)));
        Should.Throw<DomainException>(() => wallet.Credit(Books.Eur(0)));
        Should.Throw<DomainException>(() => wallet.Credit(Books.Eur(-5)));
        Should.Throw<DomainException>(() => wallet.Spend(Books.Eur(-5)));
        Should.Throw<DomainException>(() => wallet.ReverseSpentMoney(Books.Eur(0)));
    }

    [Fact]
    public void Every_write_changes_the_version()
    {
        var wallet = new Wallet(_books.Client(), Currency.EUR);
        var versions = new List<Guid> { wallet.Version };
        wallet.Credit(Books.Eur(10));
        versions.Add(wallet.Version);
        wallet.Spend(Books.Eur(5));
        versions.Add(wallet.Version);
        wallet.ReverseSpentMoney(Books.Eur(5));
        versions.Add(wallet.Version);
        versions.Distinct().Count().ShouldBe(4);
    }
}

public class CreditApplicationTests
{
    private readonly Books _books = new();

    [Fact]
    public void Credit_applied_pays_the_invoice_from_the_wallet()
    {
        var client = _books.Client();
        var wallet = _books.Wallet(client);
        _books.Prepaid(client, Books.Eur(1_500));
        var invoice = _books.Issued(client, 1_000);

        var payment = _books.Post(CreditApplication.Apply(wallet, invoice, Books.Eur(1_000), _books.Key(), Books.Now));

        invoice.Status.ShouldBe(InvoiceStatus.Paid);
        wallet.Balance.ShouldBe(Books.Eur(500));
        payment.Method.ShouldBe(Portal.Domain.Payments.PaymentMethod.Credit);
        payment.Status.ShouldBe(Portal.Domain.Payments.PaymentStatus.Succeeded);
        _books.Transactions[^1].Kind.ShouldBe(Portal.Domain.Ledger.LedgerTransactionKind.CreditApplied);
        _books.ShouldAgreeWithLedger([invoice]);
    }

    [Fact]
    public void Credit_beyond_the_balance_or_the_amount_due_is_refused_and_changes_nothing()
    {
        var client = _books.Client();
        var wallet = _books.Wallet(client);
        _books.Prepaid(client, Books.Eur(500));
        var invoice = _books.Issued(client, 1_000);
        var small = _books.Issued(client, 100);

        Should.Throw<DomainException>(() => CreditApplication.Apply(wallet, invoice, Books.Eur(501), _books.Key(), Books.Now));
        Should.Throw<DomainException>(() => CreditApplication.Apply(wallet, small, Books.Eur(101), _books.Key(), Books.Now));
        Should.Throw<DomainException>(() => CreditApplication.Apply(wallet, invoice, Books.Eur(0), _books.Key(), Books.Now));

        wallet.Balance.ShouldBe(Books.Eur(500));
        invoice.Paid.ShouldBe(Books.Eur(0));
        small.Paid.ShouldBe(Books.Eur(0));
    }

    [Fact]
    public void Credit_only_within_one_currency_and_one_client()
    {
        var client = _books.Client();
        var wallet = _books.Wallet(client);
        _books.Prepaid(client, Books.Eur(5_000));
        var yen = _books.Issued(client, 1_000, currency: Currency.JPY);
        var someoneElses = _books.Issued(_books.Client("Other"), 1_000);

        Should.Throw<DomainException>(() => CreditApplication.Apply(wallet, yen, Books.Jpy(1_000), _books.Key(), Books.Now));
        Should.Throw<DomainException>(() => CreditApplication.Apply(wallet, someoneElses, Books.Eur(1_000), _books.Key(), Books.Now));
        wallet.Balance.ShouldBe(Books.Eur(5_000));
    }

    [Fact]
    public void Credit_cannot_pay_what_a_direct_debit_is_already_collecting()
    {
        var client = _books.Client();
        var wallet = _books.Wallet(client);
        _books.Prepaid(client, Books.Eur(5_000));
        var invoice = _books.Issued(client, 1_000);
        invoice.AddPending(Books.Eur(800));

        Should.Throw<DomainException>(() => CreditApplication.Apply(wallet, invoice, Books.Eur(201), _books.Key(), Books.Now));
        _books.Post(CreditApplication.Apply(wallet, invoice, Books.Eur(200), _books.Key(), Books.Now));
        invoice.Paid.ShouldBe(Books.Eur(200));
    }
}
