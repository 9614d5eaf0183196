using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Domain.Wallets;

namespace Portal.Tests.Domain.Payments;

public class RefundTests
{
    private readonly Books _books = new();

    [Fact]
    public void Refund_to_card_takes_unspent_credit_first_then_reopens_invoices()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var payment = Payment.Create(client, PaymentMethod.Card, PaymentProvider.Stripe,
            AllocationPlan.Explicit([new InvoicePayment(invoice, Books.Eur(1_000))], Books.Eur(500)), Books.Now);
        _books.Post(Settlement.ApplySucceeded(payment, [invoice], _books.Wallet(client), _books.Key(), Books.Now));

        var refund = _books.Post(Refunds.ToPaymentMethod(payment, [invoice], _books.Wallet(client), Books.Eur(700), _books.Key(), Books.Now))!;

        refund.Postings.Select(p => (p.AccountKind, p.AmountMinor)).ShouldBe([
            (LedgerAccountKind.Clearing, -700L), (LedgerAccountKind.Receivable, 200L), (LedgerAccountKind.Wallet, 500L)]);
        _books.Wallet(client).Balance.ShouldBe(Books.Eur(0));
        invoice.Status.ShouldBe(InvoiceStatus.PartiallyPaid);
        invoice.AmountDue.ShouldBe(Books.Eur(200));
        payment.Status.ShouldBe(PaymentStatus.PartiallyRefunded);
        payment.Refunded.ShouldBe(Books.Eur(700));
        payment.Allocations.Sum(a => a.AmountMinor).ShouldBe(payment.Retained.Minor);
        _books.ShouldAgreeWithLedger([invoice]);
    }

    [Fact]
    public void Full_refund_reopens_everything_and_cannot_be_repeated()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var payment = _books.PaidByCard(client, (invoice, 1_000));

        _books.Post(Refunds.ToPaymentMethod(payment, [invoice], _books.Wallet(client), Books.Eur(1_000), _books.Key(), Books.Now));

        payment.Status.ShouldBe(PaymentStatus.Refunded);
        invoice.Status.ShouldBe(InvoiceStatus.Open);
        Should.Throw<DomainException>(() => Refunds.ToPaymentMethod(payment, [invoice], _books.Wallet(client), Books.Eur(1), _books.Key(), Books.Now));
        Should.Throw<DomainException>(() => Settlement.Reverse(payment, [invoice], _books.Wallet(client), ReversalReason.Chargeback, _books.Key(), Books.Now));
        _books.ShouldAgreeWithLedger([invoice]);
    }

    [Fact]
    public void A_failed_refund_comes_back_as_the_clients_credit_and_no_more_than_was_refunded()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var payment = _books.PaidByCard(client, (invoice, 1_000));
        _books.Post(Refunds.ToPaymentMethod(payment, [invoice], _books.Wallet(client), Books.Eur(400), _books.Key(), Books.Now));

        var failed = _books.Post(Refunds.Failed(payment, _books.Wallet(client), Books.Eur(400), _books.Key(), Books.Now))!;

        failed.Kind.ShouldBe(LedgerTransactionKind.RefundFailed);
        failed.Postings.Select(p => (p.AccountKind, p.AmountMinor)).ShouldBe([(LedgerAccountKind.Clearing, 400L), (LedgerAccountKind.Wallet, -400L)]);
        (payment.Status, payment.Refunded).ShouldBe((PaymentStatus.Succeeded, Books.Eur(0)));
        _books.Wallet(client).Balance.ShouldBe(Books.Eur(400));
        invoice.AmountDue.ShouldBe(Books.Eur(400));
        payment.Allocations.Sum(a => a.AmountMinor).ShouldBe(payment.Retained.Minor);
        Should.Throw<DomainException>(() => Refunds.Failed(payment, _books.Wallet(client), Books.Eur(1), _books.Key(), Books.Now));
        // The credit can go back to the card again.
        _books.Post(Refunds.ToPaymentMethod(payment, [invoice], _books.Wallet(client), Books.Eur(400), _books.Key(), Books.Now));
        (_books.Wallet(client).Balance, payment.Refunded).ShouldBe((Books.Eur(0), Books.Eur(400)));
        _books.ShouldAgreeWithLedger([invoice]);
    }

    [Fact]
    public void Credit_already_spent_cannot_be_refunded_to_the_card()
    {
        var client = _books.Client();
        var wallet = _books.Wallet(client);
        var prepayment = _books.Prepaid(client, Books.Eur(1_000));
        var invoice = _books.Issued(client, 600);
        _books.Post(CreditApplication.Apply(wallet, invoice, Books.Eur(600), _books.Key(), Books.Now));

        var refused = Should.Throw<DomainException>(() => Refunds.ToPaymentMethod(prepayment, [], wallet, Books.Eur(500), _books.Key(), Books.Now));

        refused.Message.ShouldContain("4.00 EUR");
        wallet.Balance.ShouldBe(Books.Eur(400));
        prepayment.Status.ShouldBe(PaymentStatus.Succeeded);
        _books.Post(Refunds.ToPaymentMethod(prepayment, [], wallet, Books.Eur(400), _books.Key(), Books.Now));
        wallet.Balance.ShouldBe(Books.Eur(0));
        _books.ShouldAgreeWithLedger([invoice]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(1_001)]
    public void Refund_of_nothing_or_more_than_was_paid_is_refused(long minor)
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var payment = _books.PaidByCard(client, (invoice, 1_000));
        Should.Throw<DomainException>(() => Refunds.ToPaymentMethod(payment, [invoice], _books.Wallet(client), Books.Eur(minor), _books.Key(), Books.Now));
        invoice.Status.ShouldBe(InvoiceStatus.Paid);
    }

    [Fact]
    public void A_payment_not_yet_succeeded_cannot_be_refunded()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var payment = Books.CardPayment(client, (invoice, 1_000));
        Should.Throw<DomainException>(() => Refunds.ToPaymentMethod(payment, [invoice], _books.Wallet(client), Books.Eur(1_000), _books.Key(), Books.Now));
        Should.Throw<DomainException>(() => Refunds.AsCredit(payment, invoice, _books.Wallet(client), Books.Eur(1_000), _books.Key(), Books.Now));
    }

    [Fact]
    public void Refund_as_credit_makes_the_invoice_due_again_and_grows_the_clients_credit()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 10_000, taxBasisPoints: 2000);
        var payment = _books.PaidByCard(client, (invoice, 12_000));

        var refund = _books.Post(Refunds.AsCredit(payment, invoice, _books.Wallet(client), Books.Eur(3_000), _books.Key(), Books.Now))!;

        refund.Kind.ShouldBe(LedgerTransactionKind.RefundAsCredit);
        _books.Wallet(client).Balance.ShouldBe(Books.Eur(3_000));
        invoice.AmountDue.ShouldBe(Books.Eur(3_000));
        invoice.Status.ShouldBe(InvoiceStatus.PartiallyPaid);
        invoice.Credited.ShouldBe(Books.Eur(0)); // nothing written off
        _books.Ledger.Balance(LedgerAccount.Revenue, Currency.EUR).ShouldBe(Books.Eur(-10_000));
        _books.Ledger.Balance(LedgerAccount.Tax, Currency.EUR).ShouldBe(Books.Eur(-2_000));
        _books.Ledger.Balance(LedgerAccount.Clearing(PaymentProvider.Stripe), Currency.EUR).ShouldBe(Books.Eur(12_000)); // no money left the firm
        // What the client owes less their credit is unchanged: the money moved from the invoice to the credit.
        (_books.Ledger.Balance(LedgerAccount.Receivable(client.Id), Currency.EUR) + _books.Ledger.Balance(LedgerAccount.Wallet(client.Id), Currency.EUR)).ShouldBe(Books.Eur(0));
        payment.ToWallet.ShouldBe(Books.Eur(3_000));
        payment.CreditedBack.ShouldBe(Books.Eur(3_000));
        _books.ShouldAgreeWithLedger([invoice]);
    }

    [Fact]
    public void Chargeback_after_a_refund_as_credit_takes_back_the_credit_and_what_is_left_on_the_invoice()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 10_000);
        var payment = _books.PaidByCard(client, (invoice, 10_000));
        _books.Post(Refunds.AsCredit(payment, invoice, _books.Wallet(client), Books.Eur(4_000), _books.Key(), Books.Now));

        _books.Post(Settlement.Reverse(payment, [invoice], _books.Wallet(client), ReversalReason.Chargeback, _books.Key(), Books.Now));

        invoice.AmountDue.ShouldBe(Books.Eur(10_000));
        _books.Wallet(client).Balance.ShouldBe(Books.Eur(0));
        _books.Wallet(client).NeedsAttention.ShouldBeFalse();
        _books.ShouldAgreeWithLedger([invoice]);
    }

    [Fact]
    public void Credit_used_on_an_invoice_can_be_given_back_as_credit_but_not_to_a_card()
    {
        var client = _books.Client();
        var wallet = _books.Wallet(client);
        _books.Prepaid(client, Books.Eur(1_000));
        var invoice = _books.Issued(client, 1_000);
        var creditPayment = _books.Post(CreditApplication.Apply(wallet, invoice, Books.Eur(1_000), _books.Key(), Books.Now));

        Should.Throw<DomainException>(() => Refunds.ToPaymentMethod(creditPayment, [invoice], wallet, Books.Eur(100), _books.Key(), Books.Now));
        _books.Post(Refunds.AsCredit(creditPayment, invoice, wallet, Books.Eur(1_000), _books.Key(), Books.Now));

        wallet.Balance.ShouldBe(Books.Eur(1_000));
        invoice.AmountDue.ShouldBe(Books.Eur(1_000));
        _books.ShouldAgreeWithLedger([invoice]);
    }

    [Fact]
    public void Refund_as_credit_is_limited_to_what_the_payment_put_on_the_invoice()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var first = _books.PaidByCard(client, (invoice, 400));
        _books.PaidByCard(client, (invoice, 600));

        Should.Throw<DomainException>(() => Refunds.AsCredit(first, invoice, _books.Wallet(client), Books.Eur(401), _books.Key(), Books.Now));
        invoice.Credited.ShouldBe(Books.Eur(0));
        _books.Wallet(client).Balance.ShouldBe(Books.Eur(0));
    }
}
