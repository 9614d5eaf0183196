using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Portal.Domain.EInvoicing;

namespace Portal.Tests.EInvoicing;

/// <summary>
/// The official Factur-X 1.09 EN 16931 XSD (copied as data, see Schemas/README.md), and the EN 16931 sums and
/// per-rate rules the schema cannot check (BR-CO-10 to BR-CO-16, BR-S-08), read back from the XML itself.
/// </summary>
public static class FacturXSchema
{
    private static readonly Lazy<XmlSchemaSet> Schemas = new(() =>
    {
        // Each file is added by itself: the set resolves no schemaLocation on its own (no resolver reads files here).
        var set = new XmlSchemaSet();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "EInvoicing", "Schemas", "factur-x-1.09-en16931"), "*.xsd"))
            set.Add(null, file);
        set.Compile();
        return set;
    });

    public static readonly XNamespace Rsm = CiiInvoice.Rsm;
    public static readonly XNamespace Ram = CiiInvoice.Ram;
    public static readonly XNamespace Udt = CiiInvoice.Udt;

    /// <summary>Every schema error, with its line; empty when the XML is valid.</summary>
    public static List<string> Errors(byte[] xml)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Schemas.Value };
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity} line {e.Exception.LineNumber}: {e.Message}");
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        while (reader.Read())
        {
        }
        return errors;
    }

    /// <summary>Validates against the XSD and checks the sums; returns the document to read values from.</summary>
    public static XDocument ShouldBeValidFacturX(this byte[] xml)
    {
        var errors = Errors(xml);
        errors.ShouldBeEmpty(string.Join("\n", errors));
        var document = XDocument.Load(new MemoryStream(xml));
        CheckSums(document);
        return document;
    }

    public static decimal Amount(this XElement element) => decimal.Parse(element.Value, NumberStyles.Number, CultureInfo.InvariantCulture);

    public static XElement Settlement(this XDocument document) =>
        document.Root!.Element(Rsm + "SupplyChainTradeTransaction")!.Element(Ram + "ApplicableHeaderTradeSettlement")!;

    public static XElement Summation(this XDocument document) => document.Settlement().Element(Ram + "SpecifiedTradeSettlementHeaderMonetarySummation")!;

    public static string? Text(this XDocument document, string path) =>
        path.Split('/').Aggregate((XElement?)document.Root, (element, name) => element?.Elements().FirstOrDefault(e => e.Name.LocalName == name))?.Value;

    /// <summary>BR-CO-10 to BR-CO-16 and BR-S-08 (and BR-CO-17's two decimals), as EN 16931 states them.</summary>
    public static void CheckSums(XDocument document)
    {
        var lines = document.Descendants(Ram + "IncludedSupplyChainTradeLineItem").Select(line => new
        {
            Net = line.Descendants(Ram + "LineTotalAmount").Single().Amount(),
            Category = line.Descendants(Ram + "CategoryCode").Single().Value,
            Rate = line.Descendants(Ram + "RateApplicablePercent").Single().Amount(),
        }).ToList();
        var sum = document.Summation();
        decimal Get(string name) => sum.Element(Ram + name)?.Amount() ?? 0m;
        var lineTotal = Get("LineTotalAmount");
        var taxBasis = Get("TaxBasisTotalAmount");
        var taxTotal = sum.Elements(Ram + "TaxTotalAmount").Single().Amount();
        var grand = Get("GrandTotalAmount");
        var prepaid = Get("TotalPrepaidAmount");
        var due = Get("DuePayableAmount");
        var breakdown = document.Settlement().Elements(Ram + "ApplicableTradeTax").Select(t => new
        {
            Tax = t.Element(Ram + "CalculatedAmount")!.Amount(),
            Basis = t.Element(Ram + "BasisAmount")!.Amount(),
            Category = t.Element(Ram + "CategoryCode")!.Value,
            Rate = t.Element(Ram + "RateApplicablePercent")!.Amount(),
        }).ToList();

        lineTotal.ShouldBe(lines.Sum(l => l.Net), "BR-CO-10: sum of line net amounts");
        taxBasis.ShouldBe(lineTotal - Get("AllowanceTotalAmount") + Get("ChargeTotalAmount"), "BR-CO-13: tax basis");
        taxTotal.ShouldBe(breakdown.Sum(b => b.Tax), "BR-CO-14: VAT total is the sum of the breakdown");
        grand.ShouldBe(taxBasis + taxTotal, "BR-CO-15: grand total");
        due.ShouldBe(grand - prepaid + Get("RoundingAmount"), "BR-CO-16: amount due");
        breakdown.Select(b => (b.Category, b.Rate)).Distinct().Count().ShouldBe(breakdown.Count, "BR-CO-17: one breakdown per category and rate");
        foreach (var rate in breakdown.Where(b => b.Category == "S"))
            rate.Basis.ShouldBe(lines.Where(l => l.Category == "S" && l.Rate == rate.Rate).Sum(l => l.Net), $"BR-S-08: basis at {rate.Rate}%");
        foreach (var group in lines.GroupBy(l => (l.Category, l.Rate)))
            breakdown.ShouldContain(b => b.Category == group.Key.Category && b.Rate == group.Key.Rate, $"BR-CO-18: a breakdown for {group.Key}");
        foreach (var amount in document.Descendants().Where(e => e.Name.LocalName.EndsWith("Amount", StringComparison.Ordinal) && !e.HasElements))
            decimal.Round(amount.Amount(), 2).ShouldBe(amount.Amount(), $"BR-FR-DEC-01: {amount.Name.LocalName} has at most two decimals");
    }
}
