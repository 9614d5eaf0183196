using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Domain.Wallets;

namespace Portal.Tests.Domain.Payments;

public class SettlementTests
{
    private readonly Books _books = new();

    [Fact]
    public void Card_payment_succeeded_pays_the_invoices_and_books_clearing()
    {
        var client = _books.Client();
        var first = _books.Issued(client, 1_000);
        var second = _books.Issued(client, 2_000);

        var payment = _books.PaidByCard(client, (first, 1_000), (second, 500));

        payment.Status.ShouldBe(PaymentStatus.Succeeded);
        first.Status.ShouldBe(InvoiceStatus.Paid);
        second.Status.ShouldBe(InvoiceStatus.PartiallyPaid);
        second.AmountDue.ShouldBe(Books.Eur(1_500));
        _books.Ledger.Balance(LedgerAccount.Clearing(PaymentProvider.Stripe), Currency.EUR).ShouldBe(Books.Eur(1_500));
        _books.ShouldAgreeWithLedger([first, second]);
    }

    [Fact]
    public void Duplicate_success_event_posts_once()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var payment = _books.PaidByCard(client, (invoice, 1_000));

        var again = Settlement.ApplySucceeded(payment, [invoice], _books.Wallet(client), _books.Key(), Books.Now);

        again.ShouldBeNull();
        invoice.Paid.ShouldBe(Books.Eur(1_000));
        _books.Ledger.Balance(LedgerAccount.Clearing(PaymentProvider.Stripe), Currency.EUR).ShouldBe(Books.Eur(1_000));
    }

    [Fact]
    public void Overpayment_lands_in_the_wallet()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var card = Books.CardPayment(client, (invoice, 1_000));
        // Staff record a cheque for part of it while the client is still on the card page.
        _books.Post(ManualPayments.Record(client, PaymentMethod.Cheque, AllocationPlan.Explicit([new InvoicePayment(invoice, Books.Eur(300))]), _books.Wallet(client), "CHQ 7", _books.Key(), Books.Now));

        _books.Post(Settlement.ApplySucceeded(card, [invoice], _books.Wallet(client), _books.Key(), Books.Now));

        invoice.Status.ShouldBe(InvoiceStatus.Paid);
        invoice.Paid.ShouldBe(Books.Eur(1_000));
        _books.Wallet(client).Balance.ShouldBe(Books.Eur(300));
        card.ToInvoices.ShouldBe([new(invoice.Id, Books.Eur(700))]);
        card.ToWallet.ShouldBe(Books.Eur(300));
        _books.ShouldAgreeWithLedger([invoice]);
    }

    [Fact]
    public void Payment_to_an_invoice_voided_meanwhile_becomes_credit()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var card = Books.CardPayment(client, (invoice, 1_000));
        _books.Post(InvoiceBooking.Void(invoice, "Duplicate", _books.Key(), Books.Now));

        _books.Post(Settlement.ApplySucceeded(card, [invoice], _books.Wallet(client), _books.Key(), Books.Now));

        invoice.Paid.ShouldBe(Books.Eur(0));
        _books.Wallet(client).Balance.ShouldBe(Books.Eur(1_000));
        _books.ShouldAgreeWithLedger([invoice]);
    }

    [Fact]
    public void Direct_debit_in_flight_shows_pending_never_paid_and_a_failure_releases_it()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var debit = Payment.TowardsInvoices(client, PaymentMethod.DirectDebit, PaymentProvider.GoCardless, [new InvoicePayment(invoice, Books.Eur(1_000))], Books.Now);

        Settlement.MarkInFlight(debit, [invoice], Books.Now).ShouldBeTrue();
        Settlement.MarkInFlight(debit, [invoice], Books.Now).ShouldBeFalse();
        invoice.Pending.ShouldBe(Books.Eur(1_000));
        invoice.AmountDue.ShouldBe(Books.Eur(1_000));
        _books.Ledger.AmountDue(invoice.Id, Currency.EUR).ShouldBe(Books.Eur(1_000));

        _books.Post(Settlement.ApplyFailure(debit, [invoice], _books.Wallet(client), "insufficient_funds", _books.Key(), Books.Now)).ShouldBeNull();

        debit.Status.ShouldBe(PaymentStatus.Failed);
        debit.FailureReason.ShouldBe("insufficient_funds");
        invoice.Pending.ShouldBe(Books.Eur(0));
        invoice.AmountPayable.ShouldBe(Books.Eur(1_000));
        _books.Transactions.Count.ShouldBe(1); // only the invoice
    }

    [Fact]
    public void Direct_debit_confirmed_releases_pending_and_pays()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var debit = Payment.TowardsInvoices(client, PaymentMethod.DirectDebit, PaymentProvider.GoCardless, [new InvoicePayment(invoice, Books.Eur(1_000))], Books.Now);
        Settlement.MarkInFlight(debit, [invoice], Books.Now);

        _books.Post(Settlement.ApplySucceeded(debit, [invoice], _books.Wallet(client), _books.Key(), Books.Now)).ShouldNotBeNull();

        invoice.Pending.ShouldBe(Books.Eur(0));
        invoice.Status.ShouldBe(InvoiceStatus.Paid);
        debit.Allocations.ShouldAllBe(a => a.ReservedMinor == 0);
        _books.Ledger.Balance(LedgerAccount.Clearing(PaymentProvider.GoCardless), Currency.EUR).ShouldBe(Books.Eur(1_000));
    }

    [Fact]
    public void Failed_direct_debit_after_confirmation_reopens_the_invoice()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var debit = Payment.TowardsInvoices(client, PaymentMethod.DirectDebit, PaymentProvider.GoCardless, [new InvoicePayment(invoice, Books.Eur(1_000))], Books.Now);
        Settlement.MarkInFlight(debit, [invoice], Books.Now);
        _books.Post(Settlement.ApplySucceeded(debit, [invoice], _books.Wallet(client), _books.Key(), Books.Now));

        var reversal = _books.Post(Settlement.ApplyFailure(debit, [invoice], _books.Wallet(client), "late_failure_settled", _books.Key(), Books.Now));

        reversal!.Kind.ShouldBe(LedgerTransactionKind.PaymentReversed);
        debit.Status.ShouldBe(PaymentStatus.Reversed);
        debit.ReversalReason.ShouldBe(ReversalReason.LateFailure);
        invoice.Status.ShouldBe(InvoiceStatus.Open);
        invoice.AmountDue.ShouldBe(Books.Eur(1_000));
        _books.Ledger.Balance(LedgerAccount.Clearing(PaymentProvider.GoCardless), Currency.EUR).ShouldBe(Books.Eur(0));
        Settlement.ApplyFailure(debit, [invoice], _books.Wallet(client), "again", _books.Key(), Books.Now).ShouldBeNull();
        _books.ShouldAgreeWithLedger([invoice]);
    }

    [Fact]
    public void Chargeback_of_spent_credit_leaves_the_wallet_negative_and_flagged()
    {
        var client = _books.Client();
        var wallet = _books.Wallet(client);
        var prepayment = _books.Prepaid(client, Books.Eur(1_000));
        var invoice = _books.Issued(client, 800);
        _books.Post(CreditApplication.Apply(wallet, invoice, Books.Eur(800), _books.Key(), Books.Now));

        _books.Post(Settlement.Reverse(prepayment, [], wallet, ReversalReason.Chargeback, _books.Key(), Books.Now));

        wallet.Balance.ShouldBe(Books.Eur(-800));
        wallet.NeedsAttention.ShouldBeTrue();
        invoice.Status.ShouldBe(InvoiceStatus.Paid); // the invoice was paid with credit; the client now owes the wallet
        Should.Throw<DomainException>(() => wallet.Spend(Books.Eur(1)));
        _books.ShouldAgreeWithLedger([invoice]);
    }

    [Fact]
    public void Repeated_chargeback_takes_the_money_back_once()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var payment = _books.PaidByCard(client, (invoice, 1_000));
        _books.Post(Settlement.Reverse(payment, [invoice], _books.Wallet(client), ReversalReason.Chargeback, _books.Key(), Books.Now)).ShouldNotBeNull();
        _books.Post(Settlement.Reverse(payment, [invoice], _books.Wallet(client), ReversalReason.DisputeLost, _books.Key(), Books.Now)).ShouldBeNull();

        invoice.AmountDue.ShouldBe(Books.Eur(1_000));
        payment.ReversalReason.ShouldBe(ReversalReason.Chargeback);
        _books.ShouldAgreeWithLedger([invoice]);
    }

    [Fact]
    public void Dispute_won_after_a_chargeback_pays_again_and_sends_to_the_wallet_what_is_no_longer_due()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var payment = _books.PaidByCard(client, (invoice, 1_000));
        payment.MarkDisputed(Books.Now).ShouldBeTrue();
        payment.MarkDisputed(Books.Now).ShouldBeFalse();
        _books.Post(Settlement.Reverse(payment, [invoice], _books.Wallet(client), ReversalReason.Chargeback, _books.Key(), Books.Now));
        _books.PaidByCard(client, (invoice, 400)); // the client paid part again meanwhile

        var won = _books.Post(Settlement.WinDispute(payment, [invoice], _books.Wallet(client), _books.Key(), Books.Now));

        won!.Kind.ShouldBe(LedgerTransactionKind.DisputeWon);
        payment.Status.ShouldBe(PaymentStatus.Succeeded);
        payment.Disputed.ShouldBeFalse();
        invoice.Status.ShouldBe(InvoiceStatus.Paid);
        _books.Wallet(client).Balance.ShouldBe(Books.Eur(400));
        Settlement.WinDispute(payment, [invoice], _books.Wallet(client), _books.Key(), Books.Now).ShouldBeNull();
        _books.ShouldAgreeWithLedger([invoice]);
    }

    [Fact]
    public void Dispute_won_before_any_money_was_taken_moves_nothing()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var payment = _books.PaidByCard(client, (invoice, 1_000));
        payment.MarkDisputed(Books.Now);

        Settlement.WinDispute(payment, [invoice], _books.Wallet(client), _books.Key(), Books.Now).ShouldBeNull();

        payment.Disputed.ShouldBeFalse();
        payment.Status.ShouldBe(PaymentStatus.Succeeded);
    }

    [Fact]
    public void Provider_fee_is_posted_for_its_change_only()
    {
        var client = _books.Client();
        var payment = _books.Prepaid(client, Books.Eur(10_000));

        _books.Post(Settlement.RecordFee(payment, Books.Eur(165), _books.Key(), Books.Now)).ShouldNotBeNull();
        Settlement.RecordFee(payment, Books.Eur(165), _books.Key(), Books.Now).ShouldBeNull();
        _books.Post(Settlement.RecordFee(payment, Books.Eur(150), _books.Key(), Books.Now)).ShouldNotBeNull();

        payment.Fee.ShouldBe(Books.Eur(150));
        _books.Ledger.Balance(LedgerAccount.Fees(PaymentProvider.Stripe), Currency.EUR).ShouldBe(Books.Eur(150));
        _books.Ledger.Balance(LedgerAccount.Clearing(PaymentProvider.Stripe), Currency.EUR).ShouldBe(Books.Eur(9_850));
        Should.Throw<DomainException>(() => Settlement.RecordFee(payment, Books.Eur(-1), _books.Key(), Books.Now));
    }

    [Fact]
    public void Payout_empties_clearing_into_the_bank_and_settles_the_payment_once()
    {
        var client = _books.Client();
        var payment = _books.Prepaid(client, Books.Eur(10_000));
        _books.Post(Settlement.RecordFee(payment, Books.Eur(165), _books.Key(), Books.Now));

        _books.Post(Settlement.RecordPayout(_books.Firm.Id, PaymentProvider.Stripe, Books.Eur(9_835), "po_1", _books.Key(), Books.Now));
        Settlement.MarkSettled(payment, Books.Now).ShouldBeTrue();
        Settlement.MarkSettled(payment, Books.Now).ShouldBeFalse();

        payment.Status.ShouldBe(PaymentStatus.Settled);
        _books.Ledger.Balance(LedgerAccount.Clearing(PaymentProvider.Stripe), Currency.EUR).ShouldBe(Books.Eur(0));
        _books.Ledger.Balance(LedgerAccount.Bank, Currency.EUR).ShouldBe(Books.Eur(9_835));
    }

    [Fact]
    public void Cancelled_checkout_releases_nothing_and_posts_nothing()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var payment = Books.CardPayment(client, (invoice, 1_000));

        Settlement.Cancel(payment, [invoice], Books.Now).ShouldBeTrue();
        Settlement.Cancel(payment, [invoice], Books.Now).ShouldBeFalse();
        Should.Throw<DomainException>(() => Settlement.ApplySucceeded(payment, [invoice], _books.Wallet(client), _books.Key(), Books.Now));
        invoice.AmountPayable.ShouldBe(Books.Eur(1_000));
    }

    [Fact]
    public void Manual_payment_books_the_bank_and_spreads_oldest_first()
    {
        var client = _books.Client();
        var older = _books.Issued(client, 1_000, dueInDays: 5);
        var newer = _books.Issued(client, 1_000, dueInDays: 20);

        var payment = _books.Post(ManualPayments.Record(client, PaymentMethod.BankTransfer, AllocationPlan.OldestDueFirst(Books.Eur(2_500), [newer, older]),
            _books.Wallet(client), "TRF 123", _books.Key(), Books.Now));

        payment.Status.ShouldBe(PaymentStatus.Succeeded);
        _books.Transactions[^1].Kind.ShouldBe(LedgerTransactionKind.ManualPayment);
        _books.Ledger.Balance(LedgerAccount.Bank, Currency.EUR).ShouldBe(Books.Eur(2_500));
        new[] { older.Status, newer.Status }.ShouldAllBe(s => s == InvoiceStatus.Paid);
        _books.Wallet(client).Balance.ShouldBe(Books.Eur(500));
        _books.ShouldAgreeWithLedger([older, newer]);
    }

    [Fact]
    public void A_wallet_of_another_client_is_refused_before_anything_changes()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var payment = Books.CardPayment(client, (invoice, 1_000));
        Should.Throw<ArgumentException>(() => Settlement.ApplySucceeded(payment, [invoice], _books.Wallet(_books.Client("Other")), _books.Key(), Books.Now));
        Should.Throw<ArgumentException>(() => Settlement.ApplySucceeded(payment, [], _books.Wallet(client), _books.Key(), Books.Now));
        payment.Status.ShouldBe(PaymentStatus.Initiated);
        invoice.Paid.ShouldBe(Books.Eur(0));
    }

    [Fact]
    public void An_abandoned_attempt_is_cancelled_holds_nothing_and_is_no_payment()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var attempt = Books.CardPayment(client, (invoice, 1_000));
        attempt.IsAttemptOnly.ShouldBeTrue();

        Settlement.Abandon(attempt, [invoice], Books.Now).ShouldBeTrue();
        Settlement.Abandon(attempt, [invoice], Books.Now).ShouldBeFalse();

        (attempt.Status, attempt.IsAttemptOnly).ShouldBe((PaymentStatus.Cancelled, true));
        invoice.AmountPayable.ShouldBe(Books.Eur(1_000));
        _books.Transactions.Count.ShouldBe(1); // only the invoice
    }

    [Fact]
    public void Money_already_in_flight_is_not_abandoned_and_stays_a_payment()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var debit = Payment.TowardsInvoices(client, PaymentMethod.DirectDebit, PaymentProvider.GoCardless, [new InvoicePayment(invoice, Books.Eur(1_000))], Books.Now);
        Settlement.MarkInFlight(debit, [invoice], Books.Now);

        Settlement.Abandon(debit, [invoice], Books.Now).ShouldBeFalse();

        (debit.Status, debit.IsAttemptOnly, invoice.Pending).ShouldBe((PaymentStatus.Pending, false, Books.Eur(1_000)));
        Settlement.Cancel(debit, [invoice], Books.Now).ShouldBeTrue();
        // A collection cancelled after it was sent is a payment that was cancelled, not an attempt.
        (debit.Status, debit.IsAttemptOnly).ShouldBe((PaymentStatus.Cancelled, false));
        Payment.ReachedMoneyStage.Compile()(debit).ShouldBeTrue();
    }
}
