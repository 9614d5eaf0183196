using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;

namespace Portal.Tests.Domain.Invoices;

public class InvoiceTests
{
    private readonly Books _books = new();

    private Invoice Draft(params InvoiceLineInput[] lines) => Books.Draft(_books.Client(), Currency.EUR, 30, lines);

    [Fact]
    public void Totals_are_sums_of_lines_rounded_half_away_from_zero()
    {
        var invoice = Draft(
            new InvoiceLineInput("Bookkeeping", 1.5m, 333, 2000),   // net 499.5 → 500, tax 100
            new InvoiceLineInput("Payroll", 3m, 1999, 550),         // net 5997, tax 329.835 → 330
            new InvoiceLineInput("Filing", 0.125m, 4, 2000));       // net 0.5 → 1, tax 0.2 → 0

        invoice.Lines.Select(l => (l.NetMinor, l.TaxMinor)).ShouldBe([(500L, 100L), (5997L, 330L), (1L, 0L)]);
        invoice.Subtotal.ShouldBe(Books.Eur(6498));
        invoice.Tax.ShouldBe(Books.Eur(430));
        invoice.Total.ShouldBe(Books.Eur(6928));
    }

    [Fact]
    public void Randomized_totals_always_equal_the_sum_of_rounded_lines()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 15))
                .Select(n => new InvoiceLineInput($"Line {n}", random.Next(1, 100_000) / 1000m, random.NextInt64(0, 10_000_000), random.Next(0, 10_001)))
                .ToArray();
            var invoice = Draft(lines);
            foreach (var (line, input) in invoice.Lines.Zip(lines))
            {
                var exactNet = input.Quantity * input.UnitPriceMinor;
                Math.Abs(line.NetMinor - exactNet).ShouldBeLessThanOrEqualTo(0.5m);
                Math.Abs(line.TaxMinor - line.NetMinor * input.TaxRateBasisPoints / 10_000m).ShouldBeLessThanOrEqualTo(0.5m);
            }
            invoice.SubtotalMinor.ShouldBe(invoice.Lines.Sum(l => l.NetMinor));
            invoice.TaxMinor.ShouldBe(invoice.Lines.Sum(l => l.TaxMinor));
            invoice.TotalMinor.ShouldBe(invoice.Lines.Sum(l => l.TotalMinor));
        }
    }

    [Fact]
    public void Issuing_takes_gapless_numbers_from_the_firm()
    {
        var client = _books.Client();
        var first = _books.Issued(client, 1000);
        var draft = Draft(new InvoiceLineInput("Later", 1m, 500, 0));
        var second = _books.Issued(client, 2000);
        var third = _books.Issued(client, 3000);

        new[] { first.Number, second.Number, third.Number }.ShouldBe(["INV-00001", "INV-00002", "INV-00003"]);
        draft.Number.ShouldBeNull();
        first.Status.ShouldBe(InvoiceStatus.Open);
        _books.Firm.NextInvoiceNumber.ShouldBe(4);
    }

    [Fact]
    public void A_refused_issue_does_not_use_a_number()
    {
        var client = _books.Client();
        var empty = new Invoice(client, Currency.EUR, Books.Today, Books.Today, Books.Now);
        Should.Throw<DomainException>(() => empty.Issue(_books.Firm, client, Books.Now));
        var free = Books.Draft(client, Currency.EUR, 30, new InvoiceLineInput("Free", 1m, 0, 0));
        Should.Throw<DomainException>(() => free.Issue(_books.Firm, client, Books.Now));
        _books.Firm.NextInvoiceNumber.ShouldBe(1);
    }

    [Fact]
    public void Another_firm_cannot_issue_the_invoice()
    {
        var client = _books.Client();
        var invoice = Books.Draft(client, Currency.EUR, 30, new InvoiceLineInput("Advice", 1m, 100, 0));
        var other = new Firm("other-firm", "Other", Currency.EUR, Books.Now);
        Should.Throw<DomainException>(() => invoice.Issue(other, client, Books.Now));
        invoice.Status.ShouldBe(InvoiceStatus.Draft);
    }

    [Theory]
    [InlineData(0, 100, 0)]
    [InlineData(-1, 100, 0)]
    [InlineData(1, -1, 0)]
    [InlineData(1, 100, -1)]
    [InlineData(1, 100, 10_001)]
    [InlineData(0.0001, 100, 0)]
    public void Bad_lines_are_refused(double quantity, long unitPrice, int taxRate) =>
        Should.Throw<DomainException>(() => Draft(new InvoiceLineInput("Line", (decimal)quantity, unitPrice, taxRate)));

    [Fact]
    public void Blank_description_is_refused() =>
        Should.Throw<DomainException>(() => Draft(new InvoiceLineInput("  ", 1m, 100, 0)));

    [Fact]
    public void Due_date_before_issue_date_is_refused()
    {
        Should.Throw<DomainException>(() => new Invoice(_books.Client(), Currency.EUR, Books.Today, Books.Today.AddDays(-1), Books.Now));
        var draft = Draft(new InvoiceLineInput("Advice", 1m, 100, 0));
        Should.Throw<DomainException>(() => draft.SetDates(Books.Today, Books.Today.AddDays(-1)));
    }

    [Fact]
    public void An_issued_invoice_cannot_be_edited()
    {
        var invoice = _books.Issued(_books.Client(), 1000);
        Should.Throw<DomainException>(() => invoice.ReplaceLines([new InvoiceLineInput("More", 1m, 1, 0)]));
        Should.Throw<DomainException>(() => invoice.SetDates(Books.Today, Books.Today.AddDays(60)));
        Should.Throw<DomainException>(() => invoice.SetDetails("ref", null, PaymentMethods.Card));
        invoice.Total.ShouldBe(Books.Eur(1000));
    }

    [Fact]
    public void Voiding_an_unpaid_invoice_clears_what_is_due()
    {
        var invoice = _books.Issued(_books.Client(), 1000);
        invoice.Void("Sent to the wrong client", Books.Now);

        invoice.Status.ShouldBe(InvoiceStatus.Void);
        invoice.AmountDue.ShouldBe(Books.Eur(0));
        invoice.AcceptsPayment.ShouldBeFalse();
        Should.Throw<DomainException>(() => invoice.Void("again", Books.Now));
    }

    [Fact]
    public void Voiding_is_refused_with_payments_pending_payments_or_no_reason()
    {
        var paid = _books.Issued(_books.Client(), 1000);
        paid.ApplyPayment(Books.Eur(1));
        Should.Throw<DomainException>(() => paid.Void("mistake", Books.Now));

        var pending = _books.Issued(_books.Client(), 1000);
        pending.AddPending(Books.Eur(1000));
        Should.Throw<DomainException>(() => pending.Void("mistake", Books.Now));

        var unpaid = _books.Issued(_books.Client(), 1000);
        Should.Throw<DomainException>(() => unpaid.Void("  ", Books.Now));

        var draft = Draft(new InvoiceLineInput("Advice", 1m, 100, 0));
        Should.Throw<DomainException>(() => draft.Void("mistake", Books.Now));
        new[] { paid.Status, pending.Status, unpaid.Status }.ShouldAllBe(s => s != InvoiceStatus.Void);
    }

    [Fact]
    public void Payments_move_the_status_and_never_exceed_what_is_due()
    {
        var invoice = _books.Issued(_books.Client(), 1000);
        invoice.ApplyPayment(Books.Eur(400));
        invoice.Status.ShouldBe(InvoiceStatus.PartiallyPaid);
        invoice.AmountDue.ShouldBe(Books.Eur(600));

        Should.Throw<DomainException>(() => invoice.ApplyPayment(Books.Eur(601)));
        Should.Throw<DomainException>(() => invoice.ApplyPayment(Books.Eur(0)));
        Should.Throw<DomainException>(() => invoice.ApplyPayment(new Money(600, Currency.GBP)));

        invoice.ApplyPayment(Books.Eur(600));
        invoice.Status.ShouldBe(InvoiceStatus.Paid);
        Should.Throw<DomainException>(() => invoice.ApplyPayment(Books.Eur(1)));

        invoice.ReversePayment(Books.Eur(1000));
        invoice.Status.ShouldBe(InvoiceStatus.Open);
        Should.Throw<DomainException>(() => invoice.ReversePayment(Books.Eur(1)));
    }

    [Fact]
    public void Pending_money_is_not_paid_and_blocks_a_second_collection()
    {
        var invoice = _books.Issued(_books.Client(), 1000);
        invoice.AddPending(Books.Eur(700));

        invoice.Paid.ShouldBe(Books.Eur(0));
        invoice.AmountDue.ShouldBe(Books.Eur(1000));
        invoice.AmountPayable.ShouldBe(Books.Eur(300));
        Should.Throw<DomainException>(() => invoice.AddPending(Books.Eur(301)));

        invoice.ReleasePending(Books.Eur(700));
        invoice.AmountPayable.ShouldBe(Books.Eur(1000));
        Should.Throw<DomainException>(() => invoice.ReleasePending(Books.Eur(1)));
    }

    [Fact]
    public void A_credit_note_on_paid_money_keeps_the_amount_due_and_splits_tax_in_proportion()
    {
        var invoice = _books.Issued(_books.Client(), 10_000, taxBasisPoints: 2000); // 100.00 + 20.00 tax
        invoice.ApplyPayment(Books.Eur(12_000));

        var note = invoice.ConvertPaidToCredit(Books.Eur(3_000));

        note.ShouldBe(new CreditedAmount(Books.Eur(2_500), Books.Eur(500)));
        invoice.Credited.ShouldBe(Books.Eur(3_000));
        invoice.Paid.ShouldBe(Books.Eur(9_000));
        invoice.AmountDue.ShouldBe(Books.Eur(0));
        invoice.Status.ShouldBe(InvoiceStatus.Paid);
        Should.Throw<DomainException>(() => invoice.Void("mistake", Books.Now));
        Should.Throw<DomainException>(() => invoice.ConvertPaidToCredit(Books.Eur(9_001)));
    }

    [Fact]
    public void Many_small_credit_notes_never_take_back_more_tax_than_was_charged()
    {
        var invoice = _books.Issued(_books.Client(), 1, taxBasisPoints: 10_000); // 0.01 + 0.01 tax
        invoice.ApplyPayment(Books.Eur(2));

        var notes = new[] { invoice.ConvertPaidToCredit(Books.Eur(1)), invoice.ConvertPaidToCredit(Books.Eur(1)) };

        notes.Select(n => n.Tax).Sum(Currency.EUR).ShouldBe(invoice.Tax);
        notes.Select(n => n.Net).Sum(Currency.EUR).ShouldBe(invoice.Subtotal);
    }
}
