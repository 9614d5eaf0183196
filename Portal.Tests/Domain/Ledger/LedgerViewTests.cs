using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;

namespace Portal.Tests.Domain.Ledger;

public class LedgerViewTests
{
    [Fact]
    public void Reads_amount_due_wallet_credit_and_account_balances_from_postings()
    {
        var books = new Books();
        var client = books.Client();
        var invoice = books.Issued(client, 10_000, taxBasisPoints: 2000);
        books.PaidByCard(client, (invoice, 5_000));
        books.Prepaid(client, Books.Eur(3_000));

        books.Ledger.AmountDue(invoice.Id, Currency.EUR).ShouldBe(Books.Eur(7_000));
        books.Ledger.WalletCredit(client.Id, Currency.EUR).ShouldBe(Books.Eur(3_000));
        books.Ledger.Balance(LedgerAccount.Clearing(PaymentProvider.Stripe), Currency.EUR).ShouldBe(Books.Eur(8_000));
        books.Ledger.Balance(LedgerAccount.Revenue, Currency.EUR).ShouldBe(Books.Eur(-10_000));
        books.Ledger.Balance(LedgerAccount.Tax, Currency.EUR).ShouldBe(Books.Eur(-2_000));
        books.Ledger.WalletCredit(client.Id, Currency.JPY).ShouldBe(Books.Jpy(0));
        books.Ledger.Balances().Values.GroupBy(m => m.Currency).ShouldAllBe(g => g.Sum(m => m.Minor) == 0);
    }
}
