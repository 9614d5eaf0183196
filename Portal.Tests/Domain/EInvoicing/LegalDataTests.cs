using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;

namespace Portal.Tests.Domain.EInvoicing;

/// <summary>The data French e-invoicing asks for: company numbers, the client's kind, the category of operation.</summary>
public sealed class LegalDataTests
{
    private readonly Books _books = new();

    [Fact]
    public void A_siren_is_nine_digits_with_a_luhn_check_digit()
    {
        Siren.Parse("732 829 320").Value.ShouldBe("732829320");
        Should.Throw<DomainException>(() => Siren.Parse("732829321")).Message.ShouldContain("check digit");
        Should.Throw<DomainException>(() => Siren.Parse("73282932")).Message.ShouldContain("nine digits");
        Should.Throw<DomainException>(() => Siren.Parse(" ")).Message.ShouldContain("A SIREN is needed");
        Siren.ParseOptional("").ShouldBeNull();
    }

    [Fact]
    public void A_siret_is_fourteen_digits_with_a_luhn_check_digit_and_names_its_siren()
    {
        var siret = Siret.Parse("732 829 320 00074");
        siret.Value.ShouldBe("73282932000074");
        siret.Siren.Value.ShouldBe("732829320");
        Should.Throw<DomainException>(() => Siret.Parse("73282932000075")).Message.ShouldContain("check digit");
        Should.Throw<DomainException>(() => Siret.Parse("7328293200007")).Message.ShouldContain("fourteen digits");
    }

    [Fact]
    public void A_vat_number_has_a_country_and_a_french_one_has_the_key_of_its_siren()
    {
        var french = VatNumber.Parse("fr 44 732829320");
        french.Value.ShouldBe("FR44732829320");
        french.IsFrench.ShouldBeTrue();
        french.Siren!.Value.Value.ShouldBe("732829320");
        var belgian = VatNumber.Parse("BE0123456749");
        belgian.IsFrench.ShouldBeFalse();
        belgian.Siren.ShouldBeNull();

        Should.Throw<DomainException>(() => VatNumber.Parse("FR45732829320")).Message.ShouldContain("wrong key: FR44732829320");
        Should.Throw<DomainException>(() => VatNumber.Parse("12345")).Message.ShouldContain("two letters of the country");
        Should.Throw<DomainException>(() => VatNumber.Parse("FR44732829321")).Message.ShouldContain("valid SIREN");
    }

    [Fact]
    public void The_firm_keeps_its_electronic_address_and_its_vat_on_debits_option()
    {
        var firm = new Firm("acme", "Acme", Currency.EUR, DateTimeOffset.UnixEpoch);
        firm.SetLegalIdentity(new FirmLegalIdentity(Siren: "732829320", ElectronicAddress: "732829320_FACTURES", VatOnDebits: true));
        firm.ElectronicAddress.ShouldBe("732829320_FACTURES");
        firm.VatOnDebits.ShouldBeTrue();
        firm.LegalIdentity.VatOnDebits.ShouldBeTrue();
    }

    [Theory]
    [InlineData("552100554", "must begin with the SIREN 732829320")]
    [InlineData("732829320 factures", "not an electronic invoicing address")]
    public void A_wrong_electronic_address_is_refused_and_changes_nothing(string address, string reason)
    {
        var firm = new Firm("acme", "Acme", Currency.EUR, DateTimeOffset.UnixEpoch);
        firm.SetLegalIdentity(new FirmLegalIdentity(LegalName: "Acme SAS", Siren: "732829320"));
        Should.Throw<DomainException>(() => firm.SetLegalIdentity(new FirmLegalIdentity(LegalName: "Changed", Siren: "732829320", ElectronicAddress: address, VatOnDebits: true)))
            .Message.ShouldContain(reason);
        firm.LegalName.ShouldBe("Acme SAS");
        firm.ElectronicAddress.ShouldBeNull();
        firm.VatOnDebits.ShouldBeFalse();
    }

    [Fact]
    public void A_french_business_client_keeps_its_numbers_and_is_in_france()
    {
        var client = _books.Client();
        client.SetLegalDetails(new ClientLegalDetails(ClientKind.FrenchBusiness, Siret: "732 829 320 00074", VatNumber: "FR44732829320",
            Address: "1 rue de la Paix\n75002 Paris", DeliveryAddress: "Quai 4\n69007 Lyon"));

        client.Siren.ShouldBe("732829320");
        client.Siret.ShouldBe("73282932000074");
        client.VatNumber.ShouldBe("FR44732829320");
        client.EffectiveCountry.ShouldBe("FR");
        client.DeliveryAddress.ShouldBe("Quai 4\n69007 Lyon");
    }

    [Theory]
    [InlineData(ClientKind.FrenchBusiness, "552100554", null, "FR44732829320", null, "not the client's SIREN 552100554", "VatNumber")]
    [InlineData(ClientKind.FrenchBusiness, "732829320", "55210055400013", null, null, "does not belong to the SIREN", "Siret")]
    [InlineData(ClientKind.FrenchBusiness, null, null, null, "DE", "choose international", "Country")]
    [InlineData(ClientKind.International, null, null, "BE0123456749", null, "Give the country", "Country")]
    [InlineData(ClientKind.International, null, null, null, "FR", "outside France", "Country")]
    [InlineData(ClientKind.Consumer, "732829320", null, null, null, "A consumer has no SIREN", "Siren")]
    [InlineData(ClientKind.International, null, null, null, "France", "not a country code", "Country")]
    [InlineData(ClientKind.FrenchBusiness, "732829321", null, null, null, "check digit", "Siren")]
    public void Client_details_that_contradict_each_other_are_refused_on_the_field_to_correct_and_change_nothing(
        ClientKind kind, string? siren, string? siret, string? vat, string? country, string reason, string field)
    {
        var client = _books.Client();
        client.SetLegalDetails(new ClientLegalDetails(ClientKind.Consumer, Address: "Before"));

        var refusal = Should.Throw<DomainException>(() => client.SetLegalDetails(new ClientLegalDetails(kind, siren, siret, vat, country, "After")));
        refusal.Message.ShouldContain(reason);
        refusal.Field.ShouldBe(field);
        client.LegalDetails.ShouldBe(new ClientLegalDetails(ClientKind.Consumer, Address: "Before"));
    }

    [Fact]
    public void Issuing_to_a_french_business_without_its_siren_is_refused_naming_the_siren_and_takes_no_number()
    {
        var client = _books.Client("Maison Dupont");
        client.SetLegalDetails(new ClientLegalDetails(ClientKind.FrenchBusiness));
        var invoice = Books.Draft(client, Currency.EUR, 30, new InvoiceLineInput("Audit", 1m, 100_00, 2000));

        Should.Throw<DomainException>(() => InvoiceBooking.Issue(invoice, _books.Firm, client, _books.Key(), Books.Now))
            .Message.ShouldBe("Maison Dupont is a French business: its SIREN is missing, and an invoice to a French business must carry it. Add it on the client's page.");
        invoice.Status.ShouldBe(InvoiceStatus.Draft);
        invoice.Number.ShouldBeNull();
        _books.Firm.NextInvoiceNumber.ShouldBe(1);

        client.SetLegalDetails(new ClientLegalDetails(ClientKind.FrenchBusiness, Siren: "732829320"));
        InvoiceBooking.Issue(invoice, _books.Firm, client, _books.Key(), Books.Now);
        invoice.Number.ShouldBe("INV-00001");
    }

    [Theory]
    [InlineData(ClientKind.Consumer)]
    [InlineData(ClientKind.International)]
    [InlineData(ClientKind.NotStated)]
    public void Clients_that_are_not_french_businesses_need_no_siren(ClientKind kind)
    {
        var client = _books.Client();
        client.SetLegalDetails(new ClientLegalDetails(kind, Country: kind == ClientKind.International ? "BE" : null));
        var invoice = Books.Draft(client, Currency.EUR, 30, new InvoiceLineInput("Audit", 1m, 100_00, 2000));
        InvoiceBooking.Issue(invoice, _books.Firm, client, _books.Key(), Books.Now);
        invoice.Status.ShouldBe(InvoiceStatus.Open);
    }

    [Fact]
    public void An_invoice_is_issued_to_its_own_client_only()
    {
        var client = _books.Client();
        var invoice = Books.Draft(client, Currency.EUR, 30, new InvoiceLineInput("Audit", 1m, 100_00, 2000));
        Should.Throw<DomainException>(() => invoice.Issue(_books.Firm, _books.Client("Someone else"), Books.Now)).Message.ShouldContain("its own client");
        invoice.Status.ShouldBe(InvoiceStatus.Draft);
    }

    [Theory]
    [InlineData(new[] { SupplyKind.Service }, false, "S1")]
    [InlineData(new[] { SupplyKind.Service, SupplyKind.Service }, false, "S1")]
    [InlineData(new[] { SupplyKind.Goods }, false, "B1")]
    [InlineData(new[] { SupplyKind.Goods, SupplyKind.Service }, false, "M1")]
    [InlineData(new[] { SupplyKind.Service }, true, "S2")]
    [InlineData(new[] { SupplyKind.Goods }, true, "B2")]
    [InlineData(new[] { SupplyKind.Service, SupplyKind.Goods }, true, "M2")]
    public void The_category_of_operation_comes_from_the_lines_and_whether_it_was_paid_when_issued(SupplyKind[] kinds, bool paidAtIssue, string code) =>
        OperationCategory.Of(kinds, paidAtIssue).Code.ShouldBe(code);

    [Fact]
    public void An_invoice_without_lines_has_no_category() =>
        Should.Throw<DomainException>(() => OperationCategory.Of([], false));

    [Fact]
    public void Lines_are_services_unless_said_otherwise_and_the_invoice_is_paid_at_issue_only_when_settled_by_its_issue_date()
    {
        var client = _books.Client();
        var invoice = Books.Draft(client, Currency.EUR, 30,
            new InvoiceLineInput("Advice", 1m, 100_00, 2000),
            new InvoiceLineInput("Laptop", 1m, 900_00, 2000, SupplyKind.Goods));
        invoice.Lines[0].Kind.ShouldBe(SupplyKind.Service);
        InvoiceBooking.Issue(invoice, _books.Firm, client, _books.Key(), Books.Now);
        invoice.Category().Code.ShouldBe("M1");
        // Settled on its issue date, but money is still due: not paid at issue.
        invoice.Category(invoice.IssueDate).Code.ShouldBe("M1");

        invoice.ApplyPayment(invoice.Total);
        invoice.Category(invoice.IssueDate).Code.ShouldBe("M2");
        invoice.Category(invoice.IssueDate.AddDays(1)).Code.ShouldBe("M1");
    }

    [Fact]
    public void A_line_of_no_known_kind_is_refused() =>
        Should.Throw<DomainException>(() => Books.Draft(_books.Client(), Currency.EUR, 30, new InvoiceLineInput("Odd", 1m, 100, 0, (SupplyKind)7)))
            .Message.ShouldContain("goods or a service");
}
