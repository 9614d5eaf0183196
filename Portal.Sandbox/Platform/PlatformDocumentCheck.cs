using System.Xml;
using System.Xml.Linq;
using UglyToad.PdfPig;

namespace Portal.Sandbox.Platform;

// What a platform checks before it acknowledges a flow: it opens the Factur-X PDF's factur-x.xml (or takes the CII
// file as sent), and refuses an invoice it could not route or the administration would reject. Far smaller than a
// real platform's schematron run, but a real reading of what was received, never a canned answer.
internal static class PlatformDocumentCheck
{
    private const string Rsm = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
    private const string Ram = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";

    public sealed record Outcome(bool Ok, string? ReasonCode, string? Reason, string? DocumentNumber)
    {
        public static Outcome Error(string reasonCode, string reason, string? documentNumber = null) => new(false, reasonCode, reason, documentNumber);
    }

    public static Outcome Check(byte[] file, string flowSyntax, string processingRule)
    {
        byte[] xml;
        if (flowSyntax == "Factur-X")
        {
            if (ExtractFacturX(file) is not { } attachment)
            {
                return Outcome.Error("AttachmentTypeError", "The PDF has no factur-x.xml attachment.");
            }

            xml = attachment;
        }
        else if (flowSyntax == "CII")
        {
            xml = file;
        }
        else
        {
            return Outcome.Error("FlowTypeError", $"The sandbox platform reads Factur-X and CII flows only, not {flowSyntax}.");
        }

        XDocument document;
        try
        {
            using var stream = new MemoryStream(xml);
            document = XDocument.Load(stream);
        }
        catch (XmlException malformed)
        {
            return Outcome.Error("InvalidSchema", $"The invoice XML is not well-formed: {malformed.Message}");
        }

        XNamespace rsm = Rsm, ram = Ram;
        if (document.Root?.Name != rsm + "CrossIndustryInvoice")
        {
            return Outcome.Error("InvalidSchema", "The invoice XML is not a CII CrossIndustryInvoice.");
        }

        var number = document.Root.Element(rsm + "ExchangedDocument")?.Element(ram + "ID")?.Value.Trim();
        if (string.IsNullOrEmpty(number))
        {
            return Outcome.Error("InvalidSchema", "The invoice number (BT-1) is missing.");
        }

        var agreement = document.Root.Element(rsm + "SupplyChainTradeTransaction")?.Element(ram + "ApplicableHeaderTradeAgreement");
        var seller = agreement?.Element(ram + "SellerTradeParty");
        var buyer = agreement?.Element(ram + "BuyerTradeParty");
        if (Siren(seller, ram) is null)
        {
            return Outcome.Error("InvoiceLCRuleError", $"Invoice {number}: the seller's SIREN (BT-30) is missing.", number);
        }

        var notes = document.Root.Element(rsm + "ExchangedDocument")!.Elements(ram + "IncludedNote")
            .Where(n => n.Element(ram + "SubjectCode")?.Value.Trim() == "BAR")
            .Select(n => n.Element(ram + "Content")?.Value.Trim());
        var buyerCountry = buyer?.Element(ram + "PostalTradeAddress")?.Element(ram + "CountryID")?.Value.Trim();
        var frenchBusinessBuyer = (processingRule == "B2B" || notes.Contains("B2B")) && buyerCountry is null or "FR";
        if (frenchBusinessBuyer && Siren(buyer, ram) is null)
        {
            return Outcome.Error("InvoiceLCRuleError", $"Invoice {number}: the buyer's SIREN (BT-47) is missing for a French business buyer.", number);
        }

        return new Outcome(true, null, null, number);
    }

    private static string? Siren(XElement? party, XNamespace ram) =>
        party?.Element(ram + "SpecifiedLegalOrganization")?.Elements(ram + "ID")
            .FirstOrDefault(id => (string?)id.Attribute("schemeID") == "0002" && id.Value.Trim().Length == 9)?.Value.Trim();

    private static byte[]? ExtractFacturX(byte[] pdf)
    {
        try
        {
            using var document = PdfDocument.Open(pdf);
            return document.Advanced.TryGetEmbeddedFiles(out var files)
                ? files.FirstOrDefault(f => f.Name == "factur-x.xml")?.Bytes.ToArray()
                : null;
        }
        catch (Exception notPdf) when (notPdf is not OutOfMemoryException)
        {
            // PdfPig throws a variety of types for a file that is not a PDF; each means the same here.
            return null;
        }
    }
}
