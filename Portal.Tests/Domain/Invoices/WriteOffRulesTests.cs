using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;

namespace Portal.Tests.Domain.Invoices;

public class WriteOffRulesTests
{
    private readonly Books _books = new();

    [Fact]
    public void Write_offs_take_tax_on_the_running_total_so_together_they_never_take_back_more_than_was_charged()
    {
        var invoice = _books.Issued(_books.Client(), 1_000, 2000);
        var sequence = new CreditNoteSequence(_books.Firm.Id);

        // 1 200 due; thirds of one cent each would round the same way every time if rounded alone.
        for (var i = 0; i < 3; i++)
            _books.Post(InvoiceBooking.WriteOff(invoice, sequence, Books.Eur(1), "Rounding", _books.Key(), Books.Now, Books.Calendar).Transaction);
        var last = InvoiceBooking.WriteOff(invoice, sequence, Books.Eur(1_197), "Rest", _books.Key(), Books.Now, Books.Calendar);
        _books.Post(last.Transaction);

        (invoice.AmountDue, invoice.Status, invoice.CreditedMinor, invoice.CreditedTaxMinor).ShouldBe((Books.Eur(0), InvoiceStatus.Paid, 1_200, 200));
        _books.Ledger.Balance(LedgerAccount.Tax, Currency.EUR).ShouldBe(Books.Eur(0));
        _books.Ledger.Balance(LedgerAccount.WriteOff, Currency.EUR).ShouldBe(Books.Eur(1_000));
        _books.Ledger.AmountDue(invoice.Id, Currency.EUR).ShouldBe(Books.Eur(0));
        last.CreditNote.Number.ShouldBe("AV-00004");
        sequence.Next.ShouldBe(5);
    }

    [Fact]
    public void A_refused_write_off_takes_no_number_and_changes_nothing()
    {
        var invoice = _books.Issued(_books.Client(), 10_000);
        var sequence = new CreditNoteSequence(_books.Firm.Id);
        var version = invoice.Version;

        Should.Throw<DomainException>(() => InvoiceBooking.WriteOff(invoice, sequence, Books.Eur(10_001), "Too much", _books.Key(), Books.Now, Books.Calendar));
        Should.Throw<DomainException>(() => InvoiceBooking.WriteOff(invoice, sequence, Books.Eur(100), " ", _books.Key(), Books.Now, Books.Calendar));
        Should.Throw<DomainException>(() => InvoiceBooking.WriteOff(invoice, sequence, Books.Jpy(100), "Wrong currency", _books.Key(), Books.Now, Books.Calendar));

        (invoice.Version, invoice.CreditedMinor, sequence.Next).ShouldBe((version, 0, 1));
    }

    [Fact]
    public void Money_in_flight_cannot_be_written_off_until_it_arrives_or_fails()
    {
        var invoice = _books.Issued(_books.Client(), 10_000);
        invoice.AddPending(Books.Eur(8_000));

        var refused = Should.Throw<DomainException>(() => invoice.WriteOff(Books.Eur(3_000), "Uncollectable"));

        refused.Message.ShouldContain("at most 20.00 EUR can be written off");
        invoice.WriteOff(Books.Eur(2_000), "Uncollectable").Total.ShouldBe(Books.Eur(2_000));
    }

    [Fact]
    public void Spreading_over_rates_adds_up_exactly_to_the_amounts_posted()
    {
        var invoice = Books.Draft(_books.Client(), Currency.EUR, 30,
            new InvoiceLineInput("Advice", 1, 3_333, 2000), new InvoiceLineInput("Books", 1, 1_001, 550), new InvoiceLineInput("Stamps", 1, 77, 0));
        var parts = new CreditedAmount(Books.Eur(1_234), Books.Eur(321));

        var spread = CreditNote.Spread(invoice.TaxByRate(), parts);

        spread.Select(r => r.TaxRateBasisPoints).ShouldBe([0, 550, 2000]);
        (spread.Sum(r => r.Net.Minor), spread.Sum(r => r.Tax.Minor)).ShouldBe((1_234, 321));
        spread.ShouldAllBe(r => r.Net.Minor >= 0 && r.Tax.Minor >= 0);
        spread[0].Tax.ShouldBe(Books.Eur(0));
    }
}
