using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;

namespace Portal.Tests.Domain.Ledger;

public class PostingRulesTests
{
    private static readonly Guid ClientId = Guid.CreateVersion7();
    private static readonly Guid InvoiceA = Guid.CreateVersion7();
    private static readonly Guid InvoiceB = Guid.CreateVersion7();
    private static readonly LedgerAccount Receivable = LedgerAccount.Receivable(ClientId);
    private static readonly LedgerAccount Wallet = LedgerAccount.Wallet(ClientId);
    private static readonly LedgerAccount Stripe = LedgerAccount.Clearing(PaymentProvider.Stripe);

    private static Money Eur(long minor) => Books.Eur(minor);

    /// <summary>Postings as (account, amount, invoice) rows, after checking they balance per currency and could be stored.</summary>
    private static (string, long, Guid?)[] Rows(IReadOnlyList<Posting> postings)
    {
        LedgerTransaction.Create(Guid.CreateVersion7(), LedgerTransactionKind.PaymentSucceeded, Books.Now, "k", "f", "test", postings);
        return postings.Select(p => (p.AccountCode, p.AmountMinor, p.InvoiceId)).ToArray();
    }

    [Fact]
    public void Invoice_issued_debits_receivable_and_credits_revenue_and_tax()
    {
        var books = new Books();
        var invoice = Books.Draft(books.Client(), Currency.EUR, 30, new InvoiceLineInput("Audit", 1m, 10_000, 2000));

        var rows = Rows(PostingRules.InvoiceIssued(invoice));

        rows.ShouldBe([
            (LedgerAccount.Receivable(invoice.ClientAccountId).Code, 12_000L, (Guid?)invoice.Id),
            ("revenue", -10_000L, invoice.Id),
            ("tax", -2_000L, invoice.Id)]);
    }

    [Fact]
    public void Invoice_without_tax_posts_no_tax_line()
    {
        var books = new Books();
        var invoice = Books.Draft(books.Client(), Currency.EUR, 30, new InvoiceLineInput("Audit", 1m, 10_000, 0));
        Rows(PostingRules.InvoiceIssued(invoice)).Select(r => r.Item1).ShouldNotContain("tax");
    }

    [Fact]
    public void Invoice_voided_is_the_exact_reverse_of_issued()
    {
        var books = new Books();
        var invoice = Books.Draft(books.Client(), Currency.EUR, 30, new InvoiceLineInput("Audit", 1m, 10_000, 2000));
        var issued = Rows(PostingRules.InvoiceIssued(invoice));
        Rows(PostingRules.InvoiceVoided(invoice)).ShouldBe(issued.Select(r => (r.Item1, -r.Item2, r.Item3)));
    }

    [Fact]
    public void Payment_succeeded_debits_clearing_and_credits_receivables_and_wallet()
    {
        var rows = Rows(PostingRules.PaymentSucceeded(Stripe, ClientId, [new(InvoiceA, Eur(600)), new(InvoiceB, Eur(300))], Eur(100)));

        rows.ShouldBe([
            ("clearing:stripe", 1_000L, (Guid?)null),
            (Receivable.Code, -600L, InvoiceA),
            (Receivable.Code, -300L, InvoiceB),
            (Wallet.Code, -100L, null)]);
    }

    [Fact]
    public void Prepayment_goes_entirely_to_the_wallet()
    {
        var rows = Rows(PostingRules.PaymentSucceeded(LedgerAccount.Clearing(PaymentProvider.GoCardless), ClientId, [], Eur(5_000)));
        rows.ShouldBe([("clearing:gocardless", 5_000L, (Guid?)null), (Wallet.Code, -5_000L, null)]);
    }

    [Fact]
    public void Provider_fee_moves_from_clearing_to_fees()
    {
        Rows(PostingRules.ProviderFee(PaymentProvider.Stripe, Eur(29))).ShouldBe([("fees:stripe", 29L, (Guid?)null), ("clearing:stripe", -29L, null)]);
    }

    [Fact]
    public void Payout_moves_from_clearing_to_bank()
    {
        Rows(PostingRules.Payout(PaymentProvider.GoCardless, Eur(9_971))).ShouldBe([("bank", 9_971L, (Guid?)null), ("clearing:gocardless", -9_971L, null)]);
    }

    [Fact]
    public void Manual_payment_debits_the_bank()
    {
        Rows(PostingRules.ManualPayment(ClientId, [new(InvoiceA, Eur(700))], Eur(50))).ShouldBe([
            ("bank", 750L, (Guid?)null),
            (Receivable.Code, -700L, InvoiceA),
            (Wallet.Code, -50L, null)]);
    }

    [Fact]
    public void Credit_applied_debits_the_wallet_and_credits_the_invoice()
    {
        Rows(PostingRules.CreditApplied(ClientId, new(InvoiceA, Eur(250)))).ShouldBe([
            (Wallet.Code, 250L, (Guid?)null),
            (Receivable.Code, -250L, InvoiceA)]);
    }

    [Fact]
    public void Refund_to_card_takes_unspent_credit_then_reopens_invoices_and_credits_clearing()
    {
        Rows(PostingRules.RefundToPaymentMethod(Stripe, ClientId, Eur(100), [new(InvoiceA, Eur(400))])).ShouldBe([
            ("clearing:stripe", -500L, (Guid?)null),
            (Receivable.Code, 400L, InvoiceA),
            (Wallet.Code, 100L, null)]);
    }

    [Fact]
    public void Refund_as_credit_reopens_the_invoice_and_credits_the_wallet_without_touching_revenue()
    {
        Rows(PostingRules.RefundAsCredit(ClientId, new(InvoiceA, Eur(3_000)))).ShouldBe([
            (Receivable.Code, 3_000L, (Guid?)InvoiceA),
            (Wallet.Code, -3_000L, null)]);
    }

    [Fact]
    public void Reversal_is_the_exact_reverse_of_success()
    {
        IReadOnlyCollection<InvoiceAmount> parts = [new(InvoiceA, Eur(600)), new(InvoiceB, Eur(300))];
        var succeeded = Rows(PostingRules.PaymentSucceeded(Stripe, ClientId, parts, Eur(100)));
        Rows(PostingRules.PaymentReversed(Stripe, ClientId, parts, Eur(100))).ShouldBe(succeeded.Select(r => (r.Item1, -r.Item2, r.Item3)));
    }

    [Fact]
    public void Dispute_won_is_success_again()
    {
        IReadOnlyCollection<InvoiceAmount> parts = [new(InvoiceA, Eur(600))];
        Rows(PostingRules.DisputeWon(Stripe, ClientId, parts, Eur(0))).ShouldBe(Rows(PostingRules.PaymentSucceeded(Stripe, ClientId, parts, Eur(0))));
    }
}
