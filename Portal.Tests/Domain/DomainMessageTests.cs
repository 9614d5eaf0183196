using System.Globalization;
using Portal.Domain;

namespace Portal.Tests.Domain;

public class DomainMessageTests
{
    [Fact]
    public void An_interpolated_message_keeps_its_template_and_arguments()
    {
        var amount = new Money(12_345, Currency.EUR);
        var surplus = new Money(2_000, Currency.EUR);

        var refused = new DomainException($"{amount} is {surplus} more than is due on the invoices chosen. Record it as a prepayment or overpayment to keep the rest as credit.");

        refused.Template.ShouldBe("{0} is {1} more than is due on the invoices chosen. Record it as a prepayment or overpayment to keep the rest as credit.");
        refused.Arguments.ShouldBe([amount, surplus]);
        refused.Message.ShouldBe("123.45 EUR is 20.00 EUR more than is due on the invoices chosen. Record it as a prepayment or overpayment to keep the rest as credit.");
    }

    [Fact]
    public void Alignment_format_and_literal_braces_survive_in_the_template()
    {
        var line = 3;
        var rate = 12.5m;

        var refused = new DomainException($"Line {line,3}: {{rate}} {rate:N2} is wrong.");

        refused.Template.ShouldBe("Line {0,3}: {{rate}} {1:N2} is wrong.");
        refused.Arguments.ShouldBe([line, rate]);
        refused.Message.ShouldBe($"Line {line,3}: {{rate}} {rate:N2} is wrong.");
    }

    [Fact]
    public void The_English_message_reads_as_the_interpolated_string_did_in_any_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            foreach (var culture in new[] { "en-GB", "en-US", "fr-FR" })
            {
                CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
                var due = new DateOnly(2026, 11, 23);
                var quantity = 1234.5m;
                new DomainException($"Due {due}, quantity {quantity}, null {(string?)null}.").Message
                    .ShouldBe($"Due {due}, quantity {quantity}, null {(string?)null}.");
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void A_plain_message_is_its_own_template_with_braces_escaped()
    {
        var refused = new DomainException("Use {curly} braces.");

        refused.Message.ShouldBe("Use {curly} braces.");
        refused.Template.ShouldBe("Use {{curly}} braces.");
        refused.Arguments.ShouldBeEmpty();
        string.Format(CultureInfo.InvariantCulture, refused.Template).ShouldBe(refused.Message);
    }

    [Fact]
    public void A_real_domain_refusal_carries_its_amounts()
    {
        var books = new Books();
        var invoice = books.Issued(books.Client(), 10_000);

        var refused = Should.Throw<DomainException>(() => invoice.ApplyPayment(Books.Eur(15_000)));

        refused.Template.ShouldBe("{0} is more than the {1} due on {2}.");
        refused.Arguments.ShouldBe([Books.Eur(15_000), Books.Eur(10_000), invoice.Number]);
        refused.Message.ShouldBe($"150.00 EUR is more than the 100.00 EUR due on {invoice.Number}.");
    }
}
