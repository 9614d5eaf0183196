using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;

namespace Portal.Tests.Domain.Payments;

public class PaymentTests
{
    private readonly Books _books = new();

    [Fact]
    public void A_payment_towards_invoices_carries_its_allocations()
    {
        var client = _books.Client();
        var first = _books.Issued(client, 1_000);
        var second = _books.Issued(client, 2_000);

        var payment = Books.CardPayment(client, (first, 1_000), (second, 500));

        payment.Status.ShouldBe(PaymentStatus.Initiated);
        payment.Amount.ShouldBe(Books.Eur(1_500));
        payment.ToInvoices.ShouldBe([new(first.Id, Books.Eur(1_000)), new(second.Id, Books.Eur(500))]);
        payment.ToWallet.ShouldBe(Books.Eur(0));
        payment.FirmId.ShouldBe(client.FirmId);
        payment.Allocations.ShouldAllBe(a => a.PaymentId == payment.Id && a.FirmId == client.FirmId);
        first.Paid.ShouldBe(Books.Eur(0)); // nothing is paid until the money arrives
    }

    [Fact]
    public void Payments_in_mixed_currencies_are_refused()
    {
        var client = _books.Client();
        var euros = _books.Issued(client, 1_000);
        var yen = _books.Issued(client, 1_000, currency: Currency.JPY);
        Should.Throw<DomainException>(() => Books.CardPayment(client, (euros, 1_000), (yen, 1_000)));
        Should.Throw<DomainException>(() => Payment.Create(client, PaymentMethod.Card, PaymentProvider.Stripe,
            AllocationPlan.Explicit([new InvoicePayment(euros, Books.Eur(100))], Books.Jpy(5)), Books.Now));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-100)]
    [InlineData(1_001)]
    public void Amounts_must_be_more_than_zero_and_within_what_is_due(long minor)
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        Should.Throw<DomainException>(() => Books.CardPayment(client, (invoice, minor)));
    }

    [Fact]
    public void Invoices_of_another_client_drafts_voids_and_duplicates_are_refused()
    {
        var client = _books.Client();
        var other = _books.Client("Other client");
        var theirs = _books.Issued(other, 1_000);
        var mine = _books.Issued(client, 1_000);
        var draft = Books.Draft(client, Currency.EUR, 30, new InvoiceLineInput("Draft", 1m, 100, 0));
        var voided = _books.Issued(client, 1_000);
        voided.Void("mistake", Books.Now);

        Should.Throw<DomainException>(() => Books.CardPayment(client, (theirs, 100)));
        Should.Throw<DomainException>(() => Books.CardPayment(client, (mine, 100), (theirs, 100)));
        Should.Throw<DomainException>(() => Books.CardPayment(client, (draft, 100)));
        Should.Throw<DomainException>(() => Books.CardPayment(client, (voided, 100)));
        Should.Throw<DomainException>(() => Books.CardPayment(client, (mine, 100), (mine, 100)));
        Should.Throw<DomainException>(() => Books.CardPayment(client));
    }

    [Fact]
    public void Money_in_flight_cannot_be_collected_twice()
    {
        var client = _books.Client();
        var invoice = _books.Issued(client, 1_000);
        var debit = Payment.TowardsInvoices(client, PaymentMethod.DirectDebit, PaymentProvider.GoCardless, [new InvoicePayment(invoice, Books.Eur(1_000))], Books.Now);
        Settlement.MarkInFlight(debit, [invoice], Books.Now).ShouldBeTrue();

        Should.Throw<DomainException>(() => Books.CardPayment(client, (invoice, 1)));
        invoice.Pending.ShouldBe(Books.Eur(1_000));
        invoice.Paid.ShouldBe(Books.Eur(0));
    }

    [Theory]
    [InlineData(PaymentMethod.Card, PaymentProvider.None)]
    [InlineData(PaymentMethod.DirectDebit, PaymentProvider.None)]
    [InlineData(PaymentMethod.Cheque, PaymentProvider.Stripe)]
    [InlineData(PaymentMethod.Credit, PaymentProvider.None)]
    [InlineData(PaymentMethod.BankTransfer, PaymentProvider.None)]
    public void Method_and_provider_must_fit(PaymentMethod method, PaymentProvider provider)
    {
        var client = _books.Client();
        Should.Throw<DomainException>(() => Payment.Prepayment(client, method, provider, Books.Eur(1_000), Books.Now));
    }

    [Fact]
    public void A_manual_payment_has_no_provider_and_only_manual_methods()
    {
        var client = _books.Client();
        Payment.Manual(client, PaymentMethod.Cheque, AllocationPlan.Prepayment(Books.Eur(500)), "CHQ 0042", Books.Now).Provider.ShouldBe(PaymentProvider.None);
        Should.Throw<DomainException>(() => Payment.Manual(client, PaymentMethod.Card, AllocationPlan.Prepayment(Books.Eur(500)), null, Books.Now));
    }

    [Fact]
    public void Spreading_an_amount_pays_the_oldest_due_date_first_and_the_rest_becomes_credit()
    {
        var client = _books.Client();
        var later = _books.Issued(client, 3_000, dueInDays: 60);
        var oldest = _books.Issued(client, 1_000, dueInDays: 10);
        var middle = _books.Issued(client, 2_000, dueInDays: 30);
        var yen = _books.Issued(client, 500, dueInDays: 1, currency: Currency.JPY);

        var plan = AllocationPlan.OldestDueFirst(Books.Eur(2_500), [later, oldest, middle, yen]);
        plan.ToInvoices.Select(p => (p.Invoice, p.Amount)).ShouldBe([(oldest, Books.Eur(1_000)), (middle, Books.Eur(1_500))]);
        plan.ToWallet.ShouldBe(Books.Eur(0));

        var generous = AllocationPlan.OldestDueFirst(Books.Eur(7_000), [later, oldest, middle]);
        generous.ToInvoices.Sum(p => p.Amount.Minor).ShouldBe(6_000);
        generous.ToWallet.ShouldBe(Books.Eur(1_000));
    }

    [Fact]
    public void Provider_ids_are_linked_once()
    {
        var payment = Payment.Prepayment(_books.Client(), PaymentMethod.Card, PaymentProvider.Stripe, Books.Eur(100), Books.Now);
        payment.LinkCheckout("cs_test_1");
        payment.LinkCheckout("cs_test_1");
        payment.LinkProviderPayment("pi_1");
        Should.Throw<DomainException>(() => payment.LinkCheckout("cs_test_2"));
        payment.ProviderCheckoutId.ShouldBe("cs_test_1");
        payment.ProviderPaymentId.ShouldBe("pi_1");
    }
}
