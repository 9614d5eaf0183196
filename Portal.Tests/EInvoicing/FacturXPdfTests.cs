using System.Net;
using System.Xml.Linq;
using Portal.Clients;
using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.EInvoicing;
using Portal.Tests.Documents;
using Portal.Tests.Fixture;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Tokens;

namespace Portal.Tests.EInvoicing;

/// <summary>The invoice PDF download is a Factur-X PDF/A-3b, read back with PdfPig: attachment, relationship, /AF, XMP, output intent, fonts.</summary>
public sealed class FacturXPdfTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_invoice_pdf_carries_its_cii_as_factur_x_xml_with_pdfa_3b_metadata()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity);
        await app.AsStaffOfAsync<ClientDirectory>(firm, s => s.UpdateAsync(client.Id, new ClientInput(client.Name, $"billing-{client.Id:N}@example.test", "EUR", null,
            new ClientLegalDetails(ClientKind.FrenchBusiness, "552100554", Address: "2 rue Haute\n69001 Lyon"))));
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 1200_00, 2000).IssuedAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        var (status, pdf, _) = await staff.DownloadAsync($"/staff/invoices/{invoice.Id}/pdf");
        var (_, xmlAlone, _) = await staff.DownloadAsync($"/staff/invoices/{invoice.Id}/factur-x.xml");

        status.ShouldBe(HttpStatusCode.OK);
        using var document = PdfDocument.Open(pdf);
        document.Advanced.TryGetEmbeddedFiles(out var files).ShouldBeTrue();
        var attachment = files.ShouldHaveSingleItem();
        attachment.Name.ShouldBe("factur-x.xml");
        attachment.Bytes.ToArray().ShouldBe(xmlAlone, "the attachment is the same XML staff download alone");
        attachment.Bytes.ToArray().ShouldBeValidFacturX();

        attachment.FileSpecification.ShouldBe("factur-x.xml");
        var catalog = document.Structure.Catalog.CatalogDictionary;
        var names = (DictionaryToken)Resolve(document, ((DictionaryToken)Resolve(document, catalog.Data["Names"])).Data["EmbeddedFiles"]);
        var spec = (DictionaryToken)Resolve(document, ((ArrayToken)Resolve(document, names.Data["Names"])).Data[1]);
        spec.Data["AFRelationship"].ShouldBe(NameToken.Create("Data"));
        var af = (ArrayToken)Resolve(document, catalog.Data["AF"]);
        af.Data.Select(item => Resolve(document, item)).ShouldContain(spec);
        var stream = (StreamToken)Resolve(document, ((DictionaryToken)Resolve(document, spec.Data["EF"])).Data["F"]);
        stream.StreamDictionary.Data["Subtype"].ShouldBe(NameToken.Create("text/xml"));

        var intents = (ArrayToken)Resolve(document, catalog.Data["OutputIntents"]);
        var intent = (DictionaryToken)Resolve(document, intents.Data.Single());
        intent.Data["S"].ShouldBe(NameToken.Create("GTS_PDFA1"));
        var profile = (StreamToken)Resolve(document, intent.Data["DestOutputProfile"]);
        profile.Decode(UglyToad.PdfPig.Filters.DefaultFilterProvider.Instance).Length.ShouldBeGreaterThan(1000);

        document.TryGetXmpMetadata(out var xmp).ShouldBeTrue();
        var rdf = xmp.GetXDocument();
        XNamespace pdfaid = "http://www.aiim.org/pdfa/ns/id/";
        XNamespace fx = FacturXPdf.FxNamespace;
        rdf.Descendants(pdfaid + "part").Single().Value.ShouldBe("3");
        rdf.Descendants(pdfaid + "conformance").Single().Value.ShouldBe("B");
        rdf.Descendants(fx + "DocumentType").Single().Value.ShouldBe("INVOICE");
        rdf.Descendants(fx + "DocumentFileName").Single().Value.ShouldBe("factur-x.xml");
        rdf.Descendants(fx + "Version").Single().Value.ShouldBe("1.0");
        rdf.Descendants(fx + "ConformanceLevel").Single().Value.ShouldBe("EN 16931");
        XNamespace schema = "http://www.aiim.org/pdfa/ns/schema#";
        rdf.Descendants(schema + "namespaceURI").Single().Value.ShouldBe(FacturXPdf.FxNamespace);
        rdf.Descendants(schema + "prefix").Single().Value.ShouldBe("fx");
        XNamespace pdfNs = "http://ns.adobe.com/pdf/1.3/";
        rdf.Descendants(pdfNs + "Producer").Single().Value.ShouldBe(document.Information.Producer);

        // Every font the pages use is embedded (PDF/A): its descriptor holds the font program.
        var fonts = 0;
        foreach (var page in document.GetPages())
        {
            var resources = (DictionaryToken)Resolve(document, page.Dictionary.Data["Resources"]);
            foreach (var entry in ((DictionaryToken)Resolve(document, resources.Data["Font"])).Data.Values)
            {
                var font = (DictionaryToken)Resolve(document, entry);
                if (font.Data.TryGetValue("DescendantFonts", out var descendants))
                    font = (DictionaryToken)Resolve(document, ((ArrayToken)Resolve(document, descendants)).Data[0]);
                var descriptor = (DictionaryToken)Resolve(document, font.Data["FontDescriptor"]);
                descriptor.Data.Keys.ShouldContain(key => key.StartsWith("FontFile", StringComparison.Ordinal), $"font {font.Data.GetValueOrDefault("BaseFont")} is embedded");
                fonts++;
            }
        }
        fonts.ShouldBeGreaterThan(0);
        PdfReading.Of(pdf).Shows(invoice.Number!).ShouldBeTrue("the pages still read as before");
    }

    [Fact]
    public async Task A_numbered_credit_note_pdf_carries_its_cii_as_a_credit_note_naming_the_invoice_for_staff_and_client()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity);
        await app.AsStaffOfAsync<ClientDirectory>(firm, s => s.UpdateAsync(client.Id, new ClientInput(client.Name, $"billing-{client.Id:N}@example.test", "EUR", null,
            new ClientLegalDetails(ClientKind.FrenchBusiness, "552100554", Address: "2 rue Haute\n69001 Lyon"))));
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00, 2000).IssuedAsync();
        await app.AsStaffOfAsync<Portal.CreditNotes.WriteOffs, Portal.Ledger.MoneyResult>(firm, s => s.WriteOffAsync(invoice.Id, new Money(24_00, Currency.EUR), "Goodwill", MoneyChecks.NewKey()));
        Guid noteId;
        string noteNumber;
        await using (var db = app.OpenDb(firm.Id))
            (noteId, noteNumber) = await db.CreditNotes.Where(n => n.InvoiceId == invoice.Id).Select(n => new ValueTuple<Guid, string>(n.Id, n.Number)).SingleAsync();
        using var staff = await app.SignInAsync(firm.Staff);
        using var contact = await app.SignInAsync(client.Contact);

        var (status, pdf, _) = await staff.DownloadAsync($"/staff/credit-notes/{noteId}/pdf");
        var (_, xmlAlone, _) = await staff.DownloadAsync($"/staff/credit-notes/{noteId}/factur-x.xml");
        var (clientStatus, clientPdf, _) = await contact.DownloadAsync($"/portal/credit-notes/{noteId}/pdf");

        (status, clientStatus).ShouldBe((HttpStatusCode.OK, HttpStatusCode.OK));
        foreach (var copy in new[] { pdf, clientPdf })
        {
            using var document = PdfDocument.Open(copy);
            document.Advanced.TryGetEmbeddedFiles(out var files).ShouldBeTrue();
            var attachment = files.ShouldHaveSingleItem();
            attachment.Name.ShouldBe("factur-x.xml");
            attachment.Bytes.ToArray().ShouldBe(xmlAlone, "the attachment is the same XML staff download alone");
            var xml = attachment.Bytes.ToArray().ShouldBeValidFacturX();
            xml.Text("ExchangedDocument/TypeCode").ShouldBe("381");
            xml.Text("ExchangedDocument/ID").ShouldBe(noteNumber);
            xml.Text("SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/InvoiceReferencedDocument/IssuerAssignedID").ShouldBe(invoice.Number);
            xml.Summation().Element(FacturXSchema.Ram + "GrandTotalAmount")!.Value.ShouldBe("24.00");
            document.TryGetXmpMetadata(out var xmp).ShouldBeTrue();
            XNamespace pdfaid = "http://www.aiim.org/pdfa/ns/id/";
            xmp.GetXDocument().Descendants(pdfaid + "part").Single().Value.ShouldBe("3");
            PdfReading.Of(copy).Shows(noteNumber).ShouldBeTrue("the pages still read as before");
        }
    }

    [Fact]
    public async Task A_draft_pdf_is_not_a_factur_x()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var draft = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).DraftAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        var (status, pdf, _) = await staff.DownloadAsync($"/staff/invoices/{draft.Id}/pdf");

        status.ShouldBe(HttpStatusCode.OK);
        using var document = PdfDocument.Open(pdf);
        (document.Advanced.TryGetEmbeddedFiles(out var files) && files.Count > 0).ShouldBeFalse();
    }

    private static IToken Resolve(PdfDocument document, IToken token) =>
        token is IndirectReferenceToken reference ? document.Structure.GetObject(reference.Data).Data : token;
}
