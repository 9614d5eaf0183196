using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;

namespace Portal.Tests.Domain.Ledger;

public class LedgerTransactionTests
{
    private static readonly Guid FirmId = Guid.CreateVersion7();

    private static LedgerTransaction Create(params Posting[] postings) =>
        LedgerTransaction.Create(FirmId, LedgerTransactionKind.Payout, Books.Now, "payout-1", "fp", "test", postings);

    [Fact]
    public void A_balanced_transaction_stamps_its_postings()
    {
        var transaction = Create(new Posting(LedgerAccount.Bank, Books.Eur(100)), new Posting(LedgerAccount.Clearing(PaymentProvider.Stripe), Books.Eur(-100)));
        transaction.Postings.ShouldAllBe(p => p.TransactionId == transaction.Id && p.FirmId == FirmId);
        transaction.IdempotencyKey.ShouldBe("payout-1");
    }

    [Fact]
    public void An_unbalanced_transaction_is_refused() =>
        Should.Throw<DomainException>(() => Create(new Posting(LedgerAccount.Bank, Books.Eur(100)), new Posting(LedgerAccount.Revenue, Books.Eur(-99))));

    [Fact]
    public void Balance_is_required_in_each_currency_not_overall() =>
        Should.Throw<DomainException>(() => Create(
            new Posting(LedgerAccount.Bank, Books.Eur(100)), new Posting(LedgerAccount.Revenue, Books.Jpy(-100))));

    [Fact]
    public void Several_currencies_each_balanced_are_accepted() =>
        Create(new Posting(LedgerAccount.Bank, Books.Eur(100)), new Posting(LedgerAccount.Revenue, Books.Eur(-100)),
            new Posting(LedgerAccount.Bank, Books.Jpy(7)), new Posting(LedgerAccount.Revenue, Books.Jpy(-7))).Postings.Count.ShouldBe(4);

    [Fact]
    public void An_empty_transaction_is_refused() => Should.Throw<DomainException>(() => Create());

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_idempotency_key_is_refused(string key) =>
        Should.Throw<DomainException>(() => LedgerTransaction.Create(FirmId, LedgerTransactionKind.Payout, Books.Now, key, "fp", "test",
            [new Posting(LedgerAccount.Bank, Books.Eur(1)), new Posting(LedgerAccount.Revenue, Books.Eur(-1))]));

    [Fact]
    public void Zero_postings_and_receivables_without_invoice_are_refused()
    {
        Should.Throw<ArgumentException>(() => new Posting(LedgerAccount.Bank, Books.Eur(0)));
        Should.Throw<ArgumentException>(() => new Posting(LedgerAccount.Receivable(Guid.CreateVersion7()), Books.Eur(5)));
    }

    [Fact]
    public void A_posting_belongs_to_one_transaction_only()
    {
        var bank = new Posting(LedgerAccount.Bank, Books.Eur(1));
        var revenue = new Posting(LedgerAccount.Revenue, Books.Eur(-1));
        Create(bank, revenue);
        Should.Throw<InvalidOperationException>(() => Create(bank, revenue));
    }
}

public class LedgerAccountTests
{
    [Fact]
    public void Codes_are_stable_and_round_trip()
    {
        var client = Guid.Parse("0195a3c4-7b1e-7c9a-8f00-1234567890ab");
        LedgerAccount[] accounts =
        [
            LedgerAccount.Receivable(client), LedgerAccount.Wallet(client), LedgerAccount.Clearing(PaymentProvider.Stripe),
            LedgerAccount.Fees(PaymentProvider.GoCardless), LedgerAccount.Bank, LedgerAccount.Revenue, LedgerAccount.Tax,
        ];
        accounts.Select(a => a.Code).ShouldBe([
            "receivable:0195a3c4-7b1e-7c9a-8f00-1234567890ab", "wallet:0195a3c4-7b1e-7c9a-8f00-1234567890ab",
            "clearing:stripe", "fees:gocardless", "bank", "revenue", "tax"]);
        accounts.Select(a => LedgerAccount.Parse(a.Code)).ShouldBe(accounts);
        LedgerAccount.Wallet(client).ClientAccountId.ShouldBe(client);
        // PayPal, the third provider, has its own clearing account.
        LedgerAccount.Parse("clearing:paypal").ShouldBe(LedgerAccount.Clearing(PaymentProvider.PayPal));
    }

    [Theory]
    [InlineData("cash")]
    [InlineData("clearing:adyen")]
    [InlineData("clearing:none")]
    [InlineData("receivable:not-a-guid")]
    [InlineData("bank:extra")]
    public void Unknown_codes_are_refused(string code) => Should.Throw<FormatException>(() => LedgerAccount.Parse(code));

    [Fact]
    public void Money_without_a_provider_has_no_clearing_account() =>
        Should.Throw<ArgumentException>(() => LedgerAccount.Clearing(PaymentProvider.None));
}

public class OperationFingerprintTests
{
    private static readonly Guid Payment = Guid.Parse("0195a3c4-7b1e-7c9a-8f00-1234567890ab");

    [Fact]
    public void Same_request_same_fingerprint_and_it_never_changes_between_versions()
    {
        var fingerprint = Refunds.ToPaymentMethodFingerprint(Payment, Books.Eur(1_000));
        fingerprint.ShouldBe(Refunds.ToPaymentMethodFingerprint(Payment, Books.Eur(1_000)));
        fingerprint.ShouldBe(OperationFingerprint.Of("refund-to-payment-method", Payment, Books.Eur(1_000)));
        // Stored fingerprints are compared with new ones later, so the canonical form must never change.
        fingerprint.ShouldBe("f5595f582852488bd5b1f88f7deed04f53805f611a9b01ec6d85c2fc54a74d4d");
        OperationFingerprint.Of("x", 1L, "a", Books.Eur(5), Payment).ShouldBe(OperationFingerprint.Of("x", 1L, "a", new Money(5, Currency.FromCode("eur")), Payment));
    }

    [Fact]
    public void A_different_amount_currency_target_or_kind_changes_the_fingerprint()
    {
        var fingerprints = new[]
        {
            Refunds.ToPaymentMethodFingerprint(Payment, Books.Eur(1_000)),
            Refunds.ToPaymentMethodFingerprint(Payment, Books.Eur(1_001)),
            Refunds.ToPaymentMethodFingerprint(Payment, new Money(1_000, Currency.GBP)),
            Refunds.ToPaymentMethodFingerprint(Guid.CreateVersion7(), Books.Eur(1_000)),
            Refunds.AsCreditFingerprint(Payment, Guid.Empty, Books.Eur(1_000)),
            OperationFingerprint.Of("a", "b", "c"),
            OperationFingerprint.Of("a", "b\u001fc"),
            OperationFingerprint.Of("a", null, "x"),
            OperationFingerprint.Of("a", "~", "x"),
            OperationFingerprint.Of("a", "b\u001fs1:c"),
        };
        fingerprints.Distinct().Count().ShouldBe(fingerprints.Length);
    }
}
