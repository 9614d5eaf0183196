using Portal.Domain;
using Portal.Domain.Imports;

namespace Portal.Tests.Imports;

public sealed class ImportValuesTests
{
    [Theory]
    [InlineData("1 234,56", "1234.56")]
    [InlineData("1\u00A0234,56", "1234.56")]
    [InlineData("1\u202F234,56", "1234.56")]
    [InlineData("1234.56", "1234.56")]
    [InlineData("1,234.56", "1234.56")]
    [InlineData("1.234,56", "1234.56")]
    [InlineData("12,5", "12.5")]
    [InlineData("-3,00", "-3")]
    [InlineData("42", "42")]
    public void Numbers_read_the_french_and_the_english_way(string text, string expected) =>
        ImportValues.ParseDecimal(text).ShouldBe(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("1,234,567")]
    [InlineData("12a")]
    [InlineData(",5")]
    [InlineData("1.2.3")]
    public void A_number_that_reads_two_ways_or_none_is_refused(string text) =>
        Should.Throw<DomainException>(() => ImportValues.ParseDecimal(text));

    [Fact]
    public void Amounts_become_minor_units_and_too_many_decimals_are_refused()
    {
        ImportValues.ParseMoney("1 234,56", Currency.EUR).ShouldBe(new Money(123_456, Currency.EUR));
        ImportValues.ParseMoney("1500", Currency.JPY).ShouldBe(new Money(1500, Currency.JPY));
        Should.Throw<DomainException>(() => ImportValues.ParseMoney("10,505", Currency.EUR));
    }

    [Theory]
    [InlineData("31/01/2026")]
    [InlineData("2026-01-31")]
    [InlineData("2026-01-31T00:00:00")]
    [InlineData("31.01.2026")]
    public void Dates_read_day_first_or_iso(string text) => ImportValues.ParseDate(text).ShouldBe(new DateOnly(2026, 1, 31));

    [Theory]
    [InlineData("01/31/2026")]
    [InlineData("31 janvier 2026")]
    public void A_month_first_or_written_date_is_refused(string text) => Should.Throw<DomainException>(() => ImportValues.ParseDate(text));

    [Theory]
    [InlineData("20", 2000)]
    [InlineData("5,5", 550)]
    [InlineData("20 %", 2000)]
    [InlineData("2.1%", 210)]
    public void Rates_become_basis_points(string text, int basisPoints) => ImportValues.ParseRate(text).ShouldBe(basisPoints);

    [Fact]
    public void Headers_in_english_and_french_are_guessed_and_each_column_serves_one_field()
    {
        var french = ImportFields.Guess(ImportKind.Clients, ["Raison sociale", "Courriel", "Langue", "Devise", "SIREN", "N° TVA", "Adresse", "Code client", "Interlocuteur"]);
        french.ShouldBe(new Dictionary<string, int>
        {
            ["name"] = 0, ["billing_email"] = 1, ["language"] = 2, ["currency"] = 3, ["company_number"] = 4, ["vat_number"] = 5,
            ["address"] = 6, ["external_reference"] = 7, ["contact_name"] = 8,
        }, ignoreOrder: true);
        var english = ImportFields.Guess(ImportKind.Invoices, ["Invoice number", "Client email", "Issue date", "Due date", "Net", "VAT", "Total", "Amount paid"]);
        english.ShouldBe(new Dictionary<string, int>
        {
            ["number"] = 0, ["client_email"] = 1, ["issue_date"] = 2, ["due_date"] = 3, ["net"] = 4, ["vat"] = 5, ["gross"] = 6, ["paid"] = 7,
        }, ignoreOrder: true);
        var accents = ImportFields.Guess(ImportKind.Invoices, ["N° facture", "Date d'émission", "Échéance", "Montant TTC", "Déjà payé"]);
        accents.ShouldBe(new Dictionary<string, int> { ["number"] = 0, ["issue_date"] = 1, ["due_date"] = 2, ["gross"] = 3, ["paid"] = 4 }, ignoreOrder: true);
    }

    [Fact]
    public void Totals_make_one_line_at_the_rate_they_imply_and_totals_that_do_not_add_up_are_refused()
    {
        var line = ImportRowReader.TotalsLine("Invoice F-1", new InvoiceImportTotals("1 000,00", "200,00", "1 200,00"), Currency.EUR);
        line.UnitPriceMinor.ShouldBe(100_000);
        line.TaxRateBasisPoints.ShouldBe(2000);
        ImportRowReader.TotalsLine("Invoice F-2", new InvoiceImportTotals("", "5,50", "105,50"), Currency.EUR).TaxRateBasisPoints.ShouldBe(550);
        Should.Throw<DomainException>(() => ImportRowReader.TotalsLine("x", new InvoiceImportTotals("100", "20", "130"), Currency.EUR));
        Should.Throw<DomainException>(() => ImportRowReader.TotalsLine("x", new InvoiceImportTotals("100", "20,003", null), Currency.EUR));
    }
}
