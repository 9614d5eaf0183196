using System.Net;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Portal.Clients;
using Portal.CreditNotes;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.EInvoicing;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Tests.Documents;
using Portal.Tests.Fixture;

namespace Portal.Tests.EInvoicing;

/// <summary>Staff download the Factur-X XML of an invoice or a credit note over real HTTP; every XML passes the official XSD.</summary>
public sealed class FacturXDownloadTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(TestFirm Firm, TestClient Client)> AFrenchFirmAndBusinessClientAsync()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity with { ElectronicAddress = "732829320_FACTURES" });
        await app.AsStaffOfAsync<ClientDirectory>(firm, s => s.UpdateAsync(client.Id, new ClientInput(client.Name, $"billing-{client.Id:N}@example.test", "EUR", null,
            new ClientLegalDetails(ClientKind.FrenchBusiness, "552100554", VatNumber: "FR96552100554", Address: "2 rue Haute\n69001 Lyon"))));
        return (firm, client);
    }

    [Fact]
    public async Task A_part_paid_invoice_downloads_as_valid_cii_with_what_is_paid_and_due_as_of_now()
    {
        var (firm, client) = await AFrenchFirmAndBusinessClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 1000_00, 2000).WithLine("Filing", 1, 100_00, 550).IssuedAsync();
        await app.PayByTransferAsync(client, invoice.Id, 300_00);
        using var staff = await app.SignInAsync(firm.Staff);

        var (status, content, fileName) = await staff.DownloadAsync($"/staff/invoices/{invoice.Id}/factur-x.xml");

        status.ShouldBe(HttpStatusCode.OK);
        fileName.ShouldBe($"factur-x-{invoice.Number}.xml");
        var xml = content.ShouldBeValidFacturX();
        xml.Text("ExchangedDocument/ID").ShouldBe(invoice.Number);
        xml.Text("ExchangedDocumentContext/BusinessProcessSpecifiedDocumentContextParameter/ID").ShouldBe("S1");
        xml.Text("SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/SellerTradeParty/URIUniversalCommunication/URIID").ShouldBe("732829320_FACTURES");
        xml.Text("SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/BuyerTradeParty/SpecifiedLegalOrganization/ID").ShouldBe("552100554");
        xml.Summation().Element(FacturXSchema.Ram + "GrandTotalAmount")!.Value.ShouldBe("1305.50");
        xml.Summation().Element(FacturXSchema.Ram + "TotalPrepaidAmount")!.Value.ShouldBe("300.00");
        xml.Summation().Element(FacturXSchema.Ram + "DuePayableAmount")!.Value.ShouldBe("1005.50");
        xml.Descendants(FacturXSchema.Ram + "IBANID").Single().Value.ShouldBe(DocumentFixtures.Iban);
        var means = xml.Settlement().Elements(FacturXSchema.Ram + "SpecifiedTradeSettlementPaymentMeans").Select(m => m.Element(FacturXSchema.Ram + "TypeCode")!.Value);
        means.ShouldBe(["58", "48"]);
    }

    [Fact]
    public async Task An_invoice_collected_by_direct_debit_carries_its_mandate_and_the_firms_sepa_creditor_identifier()
    {
        var (firm, client) = await AFrenchFirmAndBusinessClientAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity with { ElectronicAddress = "732829320_FACTURES", SepaCreditorId = "fr72 zzz 123456" });
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 1000_00, 2000).IssuedAsync();
        await using (var db = app.OpenDb(firm.Id))
        {
            db.ScheduledCollections.Add(new Portal.DirectDebit.ScheduledCollection(Guid.NewGuid(), firm.Id, client.Id, invoice.Id, "MD000CREDITOR1", app.Today.AddDays(30), automatic: true));
            await db.SaveChangesAsync();
        }
        using var staff = await app.SignInAsync(firm.Staff);

        var (status, content, _) = await staff.DownloadAsync($"/staff/invoices/{invoice.Id}/factur-x.xml");

        status.ShouldBe(HttpStatusCode.OK);
        var xml = content.ShouldBeValidFacturX();
        xml.Settlement().Element(FacturXSchema.Ram + "CreditorReferenceID")!.Value.ShouldBe("FR72ZZZ123456");
        xml.Text("SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/SpecifiedTradePaymentTerms/DirectDebitMandateID").ShouldBe("MD000CREDITOR1");
        xml.Settlement().Elements(FacturXSchema.Ram + "SpecifiedTradeSettlementPaymentMeans").Select(m => m.Element(FacturXSchema.Ram + "TypeCode")!.Value)
            .ShouldBe(["59", "58", "48"]);
    }

    [Fact]
    public async Task An_invoice_paid_on_its_issue_date_is_paid_at_issue_and_a_write_off_counts_as_settled()
    {
        var (firm, client) = await AFrenchFirmAndBusinessClientAsync();
        var paid = await app.AnInvoice(client).WithLine("Audit", 1, 100_00, 2000).IssuedAsync();
        await app.PayByTransferAsync(client, paid.Id, 120_00);
        var writtenOff = await app.AnInvoice(client).WithLine("Audit", 1, 100_00, 2000).IssuedAsync();
        await app.AsStaffOfAsync<WriteOffs, Portal.Ledger.MoneyResult>(firm, s => s.WriteOffAsync(writtenOff.Id, new Money(20_00, Currency.EUR), "Goodwill", MoneyChecks.NewKey()));
        using var staff = await app.SignInAsync(firm.Staff);

        var paidXml = (await staff.DownloadAsync($"/staff/invoices/{paid.Id}/factur-x.xml")).Content.ShouldBeValidFacturX();
        var writtenOffXml = (await staff.DownloadAsync($"/staff/invoices/{writtenOff.Id}/factur-x.xml")).Content.ShouldBeValidFacturX();

        paidXml.Text("ExchangedDocumentContext/BusinessProcessSpecifiedDocumentContextParameter/ID").ShouldBe("S2");
        paidXml.Summation().Element(FacturXSchema.Ram + "DuePayableAmount")!.Value.ShouldBe("0.00");
        writtenOffXml.Summation().Element(FacturXSchema.Ram + "TotalPrepaidAmount")!.Value.ShouldBe("20.00");
        writtenOffXml.Summation().Element(FacturXSchema.Ram + "DuePayableAmount")!.Value.ShouldBe("100.00");

        await using var db = app.OpenDb(firm.Id);
        var note = await db.CreditNotes.SingleAsync(n => n.InvoiceId == writtenOff.Id);
        var (status, content, _) = await staff.DownloadAsync($"/staff/credit-notes/{note.Id}/factur-x.xml");
        status.ShouldBe(HttpStatusCode.OK);
        var noteXml = content.ShouldBeValidFacturX();
        noteXml.Text("ExchangedDocument/TypeCode").ShouldBe("381");
        noteXml.Text("SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/InvoiceReferencedDocument/IssuerAssignedID").ShouldBe(writtenOff.Number);
        noteXml.Summation().Element(FacturXSchema.Ram + "GrandTotalAmount")!.Value.ShouldBe("20.00");
    }

    [Fact]
    public async Task Another_firms_invoice_a_draft_and_an_anonymous_visitor_get_nothing()
    {
        var (other, otherClient) = await AFrenchFirmAndBusinessClientAsync();
        var theirs = await app.AnInvoice(otherClient).WithLine("Secret work", 1, 999_00).IssuedAsync();
        var (firm, client) = await app.AFirmWithAClientAsync();
        var draft = await app.AnInvoice(client).WithLine("Draft", 1, 5_00).DraftAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        (await staff.DownloadAsync($"/staff/invoices/{theirs.Id}/factur-x.xml")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await staff.DownloadAsync($"/staff/invoices/{draft.Id}/factur-x.xml")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await staff.DownloadAsync($"/staff/credit-notes/{theirs.Id}/factur-x.xml")).Status.ShouldBe(HttpStatusCode.NotFound);
        using var contact = await app.SignInAsync(otherClient.Contact);
        (await contact.DownloadAsync($"/staff/invoices/{theirs.Id}/factur-x.xml")).Status.ShouldNotBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_staff_invoice_page_shows_the_category_and_links_the_xml()
    {
        var (firm, client) = await AFrenchFirmAndBusinessClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00, 2000).IssuedAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        var (status, html) = await staff.GetPageAsync($"/staff/invoices/{invoice.Id}");

        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("data-testid=\"operation-category\">S1<");
        html.ShouldContain($"/staff/invoices/{invoice.Id}/factur-x.xml");
    }

    [Fact]
    public async Task The_staff_invoice_page_says_which_obligation_applies_to_that_client_on_that_date()
    {
        var (firm, client) = await AFrenchFirmAndBusinessClientAsync();
        var consumer = await app.AClientAsync(firm);
        await app.AsStaffOfAsync<ClientDirectory>(firm, s => s.UpdateAsync(consumer.Id, new ClientInput(consumer.Name, $"billing-{consumer.Id:N}@example.test", "EUR", null,
            new ClientLegalDetails(ClientKind.Consumer, Address: "5 rue Basse\n69002 Lyon"))));
        var business = await app.AnInvoice(client).WithLine("Audit", 1, 100_00, 2000).IssuedAsync();
        var household = await app.AnInvoice(consumer).WithLine("Tax return", 1, 100_00, 2000).IssuedAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        // The firm has not said its size: before the second wave it is told to, after it the obligation applies anyway.
        var unknown = Obligation((await staff.GetPageAsync($"/staff/invoices/{business.Id}")).Html);
        if (app.Today < EInvoicingObligation.SecondWave)
            (unknown.Contains("depending on its size", StringComparison.Ordinal) && unknown.Contains("/staff/settings/identity", StringComparison.Ordinal)).ShouldBeTrue(unknown);
        else
            unknown.ShouldContain("E-invoicing applies: this invoice to a French business must reach it as an e-invoice through an approved platform");

        // A large or mid-size firm has issued e-invoices since 1 September 2026, before any date this suite runs on.
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity with { Size = CompanySize.LargeOrMidSize });
        Obligation((await staff.GetPageAsync($"/staff/invoices/{business.Id}")).Html)
            .ShouldContain("E-invoicing applies: this invoice to a French business must reach it as an e-invoice through an approved platform");
        Obligation((await staff.GetPageAsync($"/staff/invoices/{household.Id}")).Html)
            .ShouldContain("No e-invoice is required for this client (a consumer or a client abroad): send the PDF by email. The sale must be reported");
        (await app.AsStaffOfAsync<Portal.Firms.FirmIdentitySettings, FirmLegalIdentity>(firm, s => s.LoadAsync())).Size.ShouldBe(CompanySize.LargeOrMidSize);
    }

    private static string Obligation(string html)
    {
        var decoded = WebUtility.HtmlDecode(html);
        var start = decoded.IndexOf("data-testid=\"einvoicing-obligation\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, "the page shows which obligation applies");
        return decoded[start..Math.Min(decoded.Length, start + 1200)];
    }
}
