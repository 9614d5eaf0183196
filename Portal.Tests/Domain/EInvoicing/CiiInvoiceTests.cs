using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.EInvoicing;
using Portal.Domain.Invoices;
using Portal.Tests.EInvoicing;

namespace Portal.Tests.Domain.EInvoicing;

/// <summary>The Factur-X EN 16931 CII of invoices and credit notes, validated against the official XSD and the EN 16931 sums.</summary>
public sealed class CiiInvoiceTests
{
    private static readonly CiiParty Seller = new("Cabinet Martin SAS", "732829320", "73282932000074", "FR44732829320", "732829320", "1 rue de la Paix\n75002 Paris", "FR");
    private static readonly CiiParty Buyer = new("Maison Dupont SARL", "552100554", null, null, "552100554", "2 rue Haute\n69001 Lyon", "FR");

    private static CiiDocument AnInvoice(params CiiLine[] lines) => new(
        CiiDocumentType.Invoice, "INV-00042", new DateOnly(2026, 11, 3), Currency.EUR, new OperationCategory(SupplyMix.Services, false), Seller, Buyer,
        ClientKind.FrenchBusiness, null,
        lines.Length > 0 ? lines : [new CiiLine("Audit", 1.5m, 333_33, 500_00, 100_00, 2000), new CiiLine("Filing fee", 1m, 10_05, 10_05, 55, 550), new CiiLine("Stamp", 2m, 1_00, 2_00, 0, 0)],
        0, new DateOnly(2026, 12, 3), "INV-00042",
        [new CiiPaymentMeans(CiiPaymentMeansCode.SepaTransfer, "FR7630006000011234567890189", "BNPAFRPPXXX"), new CiiPaymentMeans(CiiPaymentMeansCode.Card)],
        false, "trois fois le taux d'intérêt légal");

    [Fact]
    public void An_invoice_carries_every_mandatory_term_and_passes_the_schema_and_the_sums()
    {
        var xml = CiiInvoice.Build(AnInvoice()).ShouldBeValidFacturX();

        xml.Text("ExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID").ShouldBe("urn:cen.eu:en16931:2017");
        xml.Text("ExchangedDocumentContext/BusinessProcessSpecifiedDocumentContextParameter/ID").ShouldBe("S1");
        xml.Text("ExchangedDocument/ID").ShouldBe("INV-00042");
        xml.Text("ExchangedDocument/TypeCode").ShouldBe("380");
        xml.Text("ExchangedDocument/IssueDateTime/DateTimeString").ShouldBe("20261103");
        var agreement = "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/";
        xml.Text(agreement + "SellerTradeParty/Name").ShouldBe("Cabinet Martin SAS");
        xml.Text(agreement + "SellerTradeParty/GlobalID").ShouldBe("73282932000074");
        xml.Text(agreement + "SellerTradeParty/SpecifiedLegalOrganization/ID").ShouldBe("732829320");
        xml.Text(agreement + "SellerTradeParty/SpecifiedTaxRegistration/ID").ShouldBe("FR44732829320");
        xml.Text(agreement + "SellerTradeParty/URIUniversalCommunication/URIID").ShouldBe("732829320");
        xml.Text(agreement + "SellerTradeParty/PostalTradeAddress/PostcodeCode").ShouldBe("75002");
        xml.Text(agreement + "SellerTradeParty/PostalTradeAddress/CityName").ShouldBe("Paris");
        xml.Text(agreement + "SellerTradeParty/PostalTradeAddress/LineOne").ShouldBe("1 rue de la Paix");
        xml.Text(agreement + "BuyerTradeParty/SpecifiedLegalOrganization/ID").ShouldBe("552100554");
        xml.Text(agreement + "BuyerTradeParty/PostalTradeAddress/CountryID").ShouldBe("FR");
        xml.Text("SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/InvoiceCurrencyCode").ShouldBe("EUR");
        xml.Text("SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString").ShouldBe("20261203");

        var notes = xml.Descendants(FacturXSchema.Ram + "IncludedNote").ToDictionary(n => n.Element(FacturXSchema.Ram + "SubjectCode")!.Value, n => n.Element(FacturXSchema.Ram + "Content")!.Value);
        notes.Keys.ShouldBe(["PMD", "PMT", "AAB", "BAR"]);
        notes["PMD"].ShouldContain("trois fois le taux d'intérêt légal");
        notes["PMT"].ShouldContain("40 €");
        notes["BAR"].ShouldBe("B2B");

        var sum = xml.Summation();
        sum.Element(FacturXSchema.Ram + "LineTotalAmount")!.Value.ShouldBe("512.05");
        sum.Element(FacturXSchema.Ram + "TaxTotalAmount")!.Attribute("currencyID")!.Value.ShouldBe("EUR");
        sum.Element(FacturXSchema.Ram + "TaxTotalAmount")!.Value.ShouldBe("100.55");
        sum.Element(FacturXSchema.Ram + "GrandTotalAmount")!.Value.ShouldBe("612.60");
        sum.Element(FacturXSchema.Ram + "DuePayableAmount")!.Value.ShouldBe("612.60");
    }

    [Fact]
    public void Each_rate_has_its_own_breakdown_and_zero_rate_lines_are_exempt_with_a_reason()
    {
        var xml = CiiInvoice.Build(AnInvoice()).ShouldBeValidFacturX();

        var rates = xml.Settlement().Elements(FacturXSchema.Ram + "ApplicableTradeTax")
            .Select(t => (t.Element(FacturXSchema.Ram + "CategoryCode")!.Value, t.Element(FacturXSchema.Ram + "RateApplicablePercent")!.Value,
                t.Element(FacturXSchema.Ram + "BasisAmount")!.Value, t.Element(FacturXSchema.Ram + "CalculatedAmount")!.Value, t.Element(FacturXSchema.Ram + "ExemptionReason")?.Value))
            .ToList();
        rates.ShouldBe([("E", "0.00", "2.00", "0.00", CiiInvoice.ZeroRateExemptionReason), ("S", "5.50", "10.05", "0.55", null), ("S", "20.00", "500.00", "100.00", null)]);
    }

    [Fact]
    public void A_part_paid_invoice_shows_what_is_settled_and_what_is_still_due()
    {
        var xml = CiiInvoice.Build(AnInvoice() with { PrepaidMinor = 200_00 }).ShouldBeValidFacturX();

        xml.Summation().Element(FacturXSchema.Ram + "TotalPrepaidAmount")!.Value.ShouldBe("200.00");
        xml.Summation().Element(FacturXSchema.Ram + "DuePayableAmount")!.Value.ShouldBe("412.60");
    }

    [Fact]
    public void Payment_means_say_how_the_client_pays()
    {
        var document = AnInvoice() with
        {
            PaymentMeans = [new CiiPaymentMeans(CiiPaymentMeansCode.SepaDirectDebit, MandateReference: "MD-0001", CreditorId: "FR12ZZZ123456"),
                new CiiPaymentMeans(CiiPaymentMeansCode.SepaTransfer, "FR7630006000011234567890189"), new CiiPaymentMeans(CiiPaymentMeansCode.Card)],
        };
        var xml = CiiInvoice.Build(document).ShouldBeValidFacturX();

        var codes = xml.Settlement().Elements(FacturXSchema.Ram + "SpecifiedTradeSettlementPaymentMeans").Select(m => m.Element(FacturXSchema.Ram + "TypeCode")!.Value);
        codes.ShouldBe(["59", "58", "48"]);
        xml.Text("SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/SpecifiedTradePaymentTerms/DirectDebitMandateID").ShouldBe("MD-0001");
        xml.Text("SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/CreditorReferenceID").ShouldBe("FR12ZZZ123456");
        xml.Text("SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/SpecifiedTradeSettlementPaymentMeans/PayeePartyCreditorFinancialAccount/IBANID").ShouldBeNull();
        xml.Descendants(FacturXSchema.Ram + "IBANID").Single().Value.ShouldBe("FR7630006000011234567890189");
    }

    [Fact]
    public void Vat_on_debits_is_said_in_every_breakdown_and_goods_delivered_elsewhere_name_the_place()
    {
        var document = AnInvoice() with
        {
            VatOnDebits = true,
            Category = new OperationCategory(SupplyMix.Mixed, false),
            DeliveryAddress = "Entrepôt 4\n69007 Lyon",
        };
        var xml = CiiInvoice.Build(document).ShouldBeValidFacturX();

        xml.Settlement().Elements(FacturXSchema.Ram + "ApplicableTradeTax").Select(t => t.Element(FacturXSchema.Ram + "DueDateTypeCode")!.Value).ShouldAllBe(code => code == "5");
        xml.Text("ExchangedDocumentContext/BusinessProcessSpecifiedDocumentContextParameter/ID").ShouldBe("M1");
        xml.Text("SupplyChainTradeTransaction/ApplicableHeaderTradeDelivery/ShipToTradeParty/PostalTradeAddress/CityName").ShouldBe("Lyon");
        CiiInvoice.Build(AnInvoice()).ShouldBeValidFacturX().Descendants(FacturXSchema.Ram + "DueDateTypeCode").ShouldBeEmpty();
    }

    [Fact]
    public void A_credit_note_names_the_invoice_it_corrects()
    {
        var document = AnInvoice(new CiiLine("Avoir sur la facture INV-00042", 1m, 100_00, 100_00, 20_00, 2000)) with
        {
            Type = CiiDocumentType.CreditNote, Number = "AV-00001", PrepaidMinor = 120_00, DueDate = null, PaymentMeans = [],
            PrecedingInvoiceNumber = "INV-00042", PrecedingInvoiceDate = new DateOnly(2026, 11, 3),
        };
        var xml = CiiInvoice.Build(document).ShouldBeValidFacturX();

        xml.Text("ExchangedDocument/TypeCode").ShouldBe("381");
        xml.Text("SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/InvoiceReferencedDocument/IssuerAssignedID").ShouldBe("INV-00042");
        xml.Summation().Element(FacturXSchema.Ram + "DuePayableAmount")!.Value.ShouldBe("0.00");
        Should.Throw<DomainException>(() => CiiInvoice.Build(document with { PrecedingInvoiceNumber = null })).Message.ShouldContain("names the invoice");
    }

    [Fact]
    public void A_subscriptions_invoice_carries_the_period_it_bills_and_a_period_that_ends_before_it_starts_is_refused()
    {
        var document = AnInvoice() with { PeriodStart = new DateOnly(2026, 12, 1), PeriodEnd = new DateOnly(2026, 12, 31) };
        var xml = CiiInvoice.Build(document).ShouldBeValidFacturX();

        var period = "SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/BillingSpecifiedPeriod/";
        xml.Text(period + "StartDateTime/DateTimeString").ShouldBe("20261201");
        xml.Text(period + "EndDateTime/DateTimeString").ShouldBe("20261231");
        CiiInvoice.Build(AnInvoice()).ShouldBeValidFacturX().Descendants(FacturXSchema.Ram + "BillingSpecifiedPeriod").ShouldBeEmpty();
        Should.Throw<DomainException>(() => CiiInvoice.Build(document with { PeriodEnd = new DateOnly(2026, 11, 30) })).Message.ShouldContain("billing period");
        Should.Throw<DomainException>(() => CiiInvoice.Build(document with { PeriodEnd = null })).Message.ShouldContain("billing period");
    }

    [Theory]
    [InlineData(ClientKind.Consumer, null, "B2C")]
    [InlineData(ClientKind.International, "BE0123456749", "B2BINT")]
    [InlineData(ClientKind.International, null, "B2CINT")]
    public void The_bar_note_follows_the_kind_of_client(ClientKind kind, string? vat, string bar)
    {
        var document = AnInvoice() with { BuyerKind = kind, Buyer = Buyer with { Siren = null, ElectronicAddress = null, VatNumber = vat, Country = kind == ClientKind.International ? "BE" : "FR" } };
        var xml = CiiInvoice.Build(document).ShouldBeValidFacturX();
        xml.Descendants(FacturXSchema.Ram + "IncludedNote").Last().Element(FacturXSchema.Ram + "Content")!.Value.ShouldBe(bar);
    }

    [Fact]
    public void A_document_that_cannot_be_valid_is_refused()
    {
        Should.Throw<DomainException>(() => CiiInvoice.Build(AnInvoice() with { Lines = [] }));
        Should.Throw<DomainException>(() => CiiInvoice.Build(AnInvoice() with { Number = "INV 42 ÉTÉ" }));
        Should.Throw<DomainException>(() => CiiInvoice.Build(AnInvoice() with { PrepaidMinor = 612_61 }));
    }

    [Fact]
    public void The_schema_check_itself_catches_a_broken_document()
    {
        var broken = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(CiiInvoice.Build(AnInvoice())).Replace("<ram:TypeCode>380</ram:TypeCode>", "", StringComparison.Ordinal));
        FacturXSchema.Errors(broken).ShouldNotBeEmpty();
    }
}
