using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;

namespace Portal.Domain.EInvoicing;

/// <summary>The kind of document (BT-3): only these two are issued by Portal.</summary>
public enum CiiDocumentType
{
    Invoice = 380,
    CreditNote = 381,
}

/// <summary>A party as the CII names it: legal name, French numbers, VAT number, e-invoicing address, postal address.</summary>
public sealed record CiiParty(string Name, string? Siren, string? Siret, string? VatNumber, string? ElectronicAddress, string? Address, string Country);

/// <summary>One line: what was supplied, how many, at what net unit price, its net and its VAT rate.</summary>
public sealed record CiiLine(string Name, decimal Quantity, long UnitPriceMinor, long NetMinor, long TaxMinor, int TaxRateBasisPoints);

/// <summary>How the buyer pays (BG-16): 58 SEPA transfer, 59 SEPA direct debit, 48 card.</summary>
public enum CiiPaymentMeansCode
{
    Card = 48,
    SepaTransfer = 58,
    SepaDirectDebit = 59,
}

/// <summary>
/// One payment means. A transfer carries the IBAN to pay (BT-84); a direct debit the mandate reference (BT-89) and,
/// when known, the creditor identifier (BT-90).
/// </summary>
public sealed record CiiPaymentMeans(CiiPaymentMeansCode Code, string? PayeeIban = null, string? PayeeBic = null, string? MandateReference = null, string? CreditorId = null);

/// <summary>
/// Everything an EN 16931 CII invoice or credit note says. Amounts are in minor units of <see cref="Currency"/>.
/// <see cref="PrepaidMinor"/> is what is settled already (payments received and amounts credited on the invoice),
/// so the amount due is the total less it.
/// </summary>
public sealed record CiiDocument(
    CiiDocumentType Type,
    string Number,
    DateOnly IssueDate,
    Currency Currency,
    OperationCategory Category,
    CiiParty Seller,
    CiiParty Buyer,
    ClientKind BuyerKind,
    string? DeliveryAddress,
    IReadOnlyList<CiiLine> Lines,
    long PrepaidMinor,
    DateOnly? DueDate,
    string? PaymentReference,
    IReadOnlyList<CiiPaymentMeans> PaymentMeans,
    bool VatOnDebits,
    string LatePaymentPenalty,
    string? BuyerReference = null,
    string? PrecedingInvoiceNumber = null,
    DateOnly? PrecedingInvoiceDate = null,
    DateOnly? PeriodStart = null,
    DateOnly? PeriodEnd = null);

/// <summary>The sums of a document at one VAT rate (BG-23).</summary>
public sealed record CiiVatBreakdown(int TaxRateBasisPoints, string CategoryCode, long BasisMinor, long TaxMinor);

/// <summary>The document totals (BG-22), all derived from the lines: BR-CO-10 to BR-CO-16 hold by construction.</summary>
public sealed record CiiTotals(long LineTotalMinor, long TaxBasisTotalMinor, long TaxTotalMinor, long GrandTotalMinor, long PrepaidMinor, long DuePayableMinor);

/// <summary>
/// Builds the Factur-X EN 16931 CII XML (factur-x.xml) of an invoice (380) or a credit note (381): every mandatory
/// business term, the French mentions (category BT-23, SIRENs, e-invoicing addresses, notes PMD, PMT, AAB and BAR),
/// payment means, one VAT breakdown per rate and totals that add up. Amounts keep Portal's one rounding rule: a
/// rate's VAT is the sum of its lines' rounded VAT, the figure the PDF, the ledger and the VAT return carry.
/// </summary>
public static partial class CiiInvoice
{
    public const string Rsm = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
    public const string Ram = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
    public const string Udt = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";
    public const string Qdt = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100";
    public const string En16931Guideline = "urn:cen.eu:en16931:2017";

    /// <summary>Why a line at 0% carries no VAT (BT-120), as category E requires one.</summary>
    public const string ZeroRateExemptionReason = "Exonération de TVA";

    public static IReadOnlyList<CiiVatBreakdown> VatBreakdown(CiiDocument document) => document.Lines
        .GroupBy(l => l.TaxRateBasisPoints)
        .OrderBy(g => g.Key)
        .Select(g => new CiiVatBreakdown(g.Key, CategoryOf(g.Key), g.Sum(l => l.NetMinor), g.Sum(l => l.TaxMinor)))
        .ToList();

    public static CiiTotals Totals(CiiDocument document)
    {
        var lineTotal = document.Lines.Sum(l => l.NetMinor);
        var tax = VatBreakdown(document).Sum(b => b.TaxMinor);
        var grand = lineTotal + tax;
        return new CiiTotals(lineTotal, lineTotal, tax, grand, document.PrepaidMinor, grand - document.PrepaidMinor);
    }

    /// <summary>The XML, UTF-8 without a byte order mark, ready to be attached as factur-x.xml or served alone.</summary>
    public static byte[] Build(CiiDocument document)
    {
        Validate(document);
        var totals = Totals(document);
        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true };
        using (var xml = XmlWriter.Create(stream, settings))
        {
            var w = new Writer(xml, document.Currency);
            xml.WriteStartDocument();
            xml.WriteStartElement("rsm", "CrossIndustryInvoice", Rsm);
            xml.WriteAttributeString("xmlns", "ram", null, Ram);
            xml.WriteAttributeString("xmlns", "udt", null, Udt);
            xml.WriteAttributeString("xmlns", "qdt", null, Qdt);

            xml.WriteStartElement("rsm", "ExchangedDocumentContext", Rsm);
            w.Start("BusinessProcessSpecifiedDocumentContextParameter");
            w.Text("ID", document.Category.Code);
            w.End();
            w.Start("GuidelineSpecifiedDocumentContextParameter");
            w.Text("ID", En16931Guideline);
            w.End();
            xml.WriteEndElement();

            xml.WriteStartElement("rsm", "ExchangedDocument", Rsm);
            w.Text("ID", document.Number);
            w.Text("TypeCode", ((int)document.Type).ToString(CultureInfo.InvariantCulture));
            w.Start("IssueDateTime");
            w.Date(document.IssueDate);
            w.End();
            foreach (var (subject, content) in Notes(document))
            {
                w.Start("IncludedNote");
                w.Text("Content", content);
                w.Text("SubjectCode", subject);
                w.End();
            }
            xml.WriteEndElement();

            xml.WriteStartElement("rsm", "SupplyChainTradeTransaction", Rsm);
            for (var i = 0; i < document.Lines.Count; i++)
                WriteLine(w, i + 1, document.Lines[i]);

            w.Start("ApplicableHeaderTradeAgreement");
            if (document.BuyerReference is { } buyerReference)
                w.Text("BuyerReference", buyerReference);
            WriteParty(w, "SellerTradeParty", document.Seller);
            WriteParty(w, "BuyerTradeParty", document.Buyer);
            w.End();

            w.Start("ApplicableHeaderTradeDelivery");
            if (document.DeliveryAddress is { } delivery)
            {
                w.Start("ShipToTradeParty");
                WriteAddress(w, delivery, document.Buyer.Country);
                w.End();
            }
            w.End();

            w.Start("ApplicableHeaderTradeSettlement");
            if (document.PaymentMeans.FirstOrDefault(m => m.CreditorId is not null)?.CreditorId is { } creditorId)
                w.Text("CreditorReferenceID", creditorId);
            if (document.PaymentReference is { } paymentReference)
                w.Text("PaymentReference", paymentReference);
            w.Text("InvoiceCurrencyCode", document.Currency.Code);
            foreach (var means in document.PaymentMeans)
                WritePaymentMeans(w, means);
            foreach (var rate in VatBreakdown(document))
            {
                w.Start("ApplicableTradeTax");
                w.Amount("CalculatedAmount", rate.TaxMinor);
                w.Text("TypeCode", "VAT");
                if (rate.CategoryCode == "E")
                    w.Text("ExemptionReason", ZeroRateExemptionReason);
                w.Amount("BasisAmount", rate.BasisMinor);
                w.Text("CategoryCode", rate.CategoryCode);
                // VAT on debits: due on the invoice date (code 5), the same in every breakdown (French rule).
                if (document.VatOnDebits)
                    w.Text("DueDateTypeCode", "5");
                w.Text("RateApplicablePercent", Percent(rate.TaxRateBasisPoints));
                w.End();
            }
            // The invoicing period (BG-14: BT-73, BT-74), as a subscription's invoice bills one.
            if (document.PeriodStart is { } periodStart && document.PeriodEnd is { } periodEnd)
            {
                w.Start("BillingSpecifiedPeriod");
                w.Start("StartDateTime");
                w.Date(periodStart);
                w.End();
                w.Start("EndDateTime");
                w.Date(periodEnd);
                w.End();
                w.End();
            }
            var mandate = document.PaymentMeans.FirstOrDefault(m => m.MandateReference is not null)?.MandateReference;
            if (document.DueDate is not null || mandate is not null)
            {
                w.Start("SpecifiedTradePaymentTerms");
                if (document.DueDate is { } due)
                {
                    w.Start("DueDateDateTime");
                    w.Date(due);
                    w.End();
                }
                if (mandate is not null)
                    w.Text("DirectDebitMandateID", mandate);
                w.End();
            }
            w.Start("SpecifiedTradeSettlementHeaderMonetarySummation");
            w.Amount("LineTotalAmount", totals.LineTotalMinor);
            w.Amount("TaxBasisTotalAmount", totals.TaxBasisTotalMinor);
            w.Amount("TaxTotalAmount", totals.TaxTotalMinor, withCurrency: true);
            w.Amount("GrandTotalAmount", totals.GrandTotalMinor);
            w.Amount("TotalPrepaidAmount", totals.PrepaidMinor);
            w.Amount("DuePayableAmount", totals.DuePayableMinor);
            w.End();
            if (document.PrecedingInvoiceNumber is { } preceding)
            {
                w.Start("InvoiceReferencedDocument");
                w.Text("IssuerAssignedID", preceding);
                if (document.PrecedingInvoiceDate is { } precedingDate)
                {
                    w.Start("FormattedIssueDateTime");
                    xml.WriteStartElement("qdt", "DateTimeString", Qdt);
                    xml.WriteAttributeString("format", "102");
                    xml.WriteString(precedingDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
                    xml.WriteEndElement();
                    w.End();
                }
                w.End();
            }
            w.End();

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return stream.ToArray();
    }

    /// <summary>VAT category (BT-118/151): S standard for a positive rate, E exempt at 0% (with its reason).</summary>
    public static string CategoryOf(int taxRateBasisPoints) => taxRateBasisPoints > 0 ? "S" : "E";

    /// <summary>
    /// The notes (BT-21/22). PMD, PMT and AAB are mandatory once each on French invoices (BR-FR-05/06); BAR says which
    /// French flow the document belongs to (B2B, B2BINT, B2C), and is left out while the client's kind is not stated.
    /// </summary>
    public static IReadOnlyList<(string Subject, string Content)> Notes(CiiDocument document)
    {
        var notes = new List<(string, string)>
        {
            ("PMD", $"En cas de retard de paiement, pénalités au taux de : {document.LatePaymentPenalty}."),
            ("PMT", "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €."),
            ("AAB", "Pas d'escompte pour paiement anticipé."),
        };
        var bar = document.BuyerKind switch
        {
            ClientKind.FrenchBusiness => "B2B",
            ClientKind.International => document.Buyer.VatNumber is null ? "B2CINT" : "B2BINT",
            ClientKind.Consumer => "B2C",
            _ => null,
        };
        if (bar is not null)
            notes.Add(("BAR", bar));
        return notes;
    }

    private static void Validate(CiiDocument document)
    {
        if (document.Lines.Count == 0)
            throw new DomainException("A Factur-X document needs at least one line.");
        if (!DocumentId().IsMatch(document.Number))
            throw new DomainException($"The number {document.Number} cannot identify a Factur-X document: at most 35 letters, digits and the signs + - _ /.");
        if (document.PrepaidMinor < 0 || document.PrepaidMinor > document.Lines.Sum(l => l.NetMinor + l.TaxMinor))
            throw new DomainException("What is already paid on a document cannot be below zero or above its total.");
        if (document.Type == CiiDocumentType.CreditNote && document.PrecedingInvoiceNumber is null)
            throw new DomainException("A credit note names the invoice it corrects.");
        // BR-29 (the period ends on or after it starts) and BR-CO-19 (a period has its dates): both or neither.
        if (document.PeriodStart is null != document.PeriodEnd is null || document.PeriodEnd < document.PeriodStart)
            throw new DomainException("A billing period has a first and a last day, the last on or after the first.");
    }

    private static void WriteLine(Writer w, int position, CiiLine line)
    {
        w.Start("IncludedSupplyChainTradeLineItem");
        w.Start("AssociatedDocumentLineDocument");
        w.Text("LineID", position.ToString(CultureInfo.InvariantCulture));
        w.End();
        w.Start("SpecifiedTradeProduct");
        w.Text("Name", line.Name);
        w.End();
        w.Start("SpecifiedLineTradeAgreement");
        w.Start("NetPriceProductTradePrice");
        w.Amount("ChargeAmount", line.UnitPriceMinor);
        w.End();
        w.End();
        w.Start("SpecifiedLineTradeDelivery");
        w.Quantity("BilledQuantity", line.Quantity);
        w.End();
        w.Start("SpecifiedLineTradeSettlement");
        w.Start("ApplicableTradeTax");
        w.Text("TypeCode", "VAT");
        w.Text("CategoryCode", CategoryOf(line.TaxRateBasisPoints));
        w.Text("RateApplicablePercent", Percent(line.TaxRateBasisPoints));
        w.End();
        w.Start("SpecifiedTradeSettlementLineMonetarySummation");
        w.Amount("LineTotalAmount", line.NetMinor);
        w.End();
        w.End();
        w.End();
    }

    private static void WriteParty(Writer w, string element, CiiParty party)
    {
        w.Start(element);
        if (party.Siret is { } siret)
            w.Text("GlobalID", siret, ("schemeID", "0009"));
        w.Text("Name", party.Name);
        if (party.Siren is { } siren)
        {
            w.Start("SpecifiedLegalOrganization");
            w.Text("ID", siren, ("schemeID", "0002"));
            w.End();
        }
        WriteAddress(w, party.Address, party.Country);
        if (party.ElectronicAddress is { } address)
        {
            w.Start("URIUniversalCommunication");
            w.Text("URIID", address, ("schemeID", "0225"));
            w.End();
        }
        if (party.VatNumber is { } vat)
        {
            w.Start("SpecifiedTaxRegistration");
            w.Text("ID", vat, ("schemeID", "VA"));
            w.End();
        }
        w.End();
    }

    /// <summary>
    /// A postal address typed one line per line. A line "75002 Paris" (a postcode then a city) gives the postcode and
    /// city; the other lines, up to three, are the street lines.
    /// </summary>
    private static void WriteAddress(Writer w, string? address, string country)
    {
        var lines = (address ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        string? postcode = null, city = null;
        var cityLine = lines.LastOrDefault(l => PostcodeAndCity().IsMatch(l));
        if (cityLine is not null)
        {
            var match = PostcodeAndCity().Match(cityLine);
            (postcode, city) = (match.Groups[1].Value, match.Groups[2].Value);
            lines.Remove(cityLine);
        }
        w.Start("PostalTradeAddress");
        if (postcode is not null)
            w.Text("PostcodeCode", postcode);
        string[] names = ["LineOne", "LineTwo", "LineThree"];
        for (var i = 0; i < Math.Min(3, lines.Count); i++)
            w.Text(names[i], i == 2 ? string.Join(", ", lines.Skip(2)) : lines[i]);
        if (city is not null)
            w.Text("CityName", city);
        w.Text("CountryID", country);
        w.End();
    }

    private static void WritePaymentMeans(Writer w, CiiPaymentMeans means)
    {
        w.Start("SpecifiedTradeSettlementPaymentMeans");
        w.Text("TypeCode", ((int)means.Code).ToString(CultureInfo.InvariantCulture));
        w.Text("Information", means.Code switch
        {
            CiiPaymentMeansCode.Card => "Carte bancaire",
            CiiPaymentMeansCode.SepaTransfer => "Virement SEPA",
            CiiPaymentMeansCode.SepaDirectDebit => "Prélèvement SEPA",
            _ => throw new InvalidOperationException("Unknown payment means."),
        });
        if (means.Code == CiiPaymentMeansCode.SepaTransfer && means.PayeeIban is { } iban)
        {
            w.Start("PayeePartyCreditorFinancialAccount");
            w.Text("IBANID", iban);
            w.End();
            if (means.PayeeBic is { } bic)
            {
                w.Start("PayeeSpecifiedCreditorFinancialInstitution");
                w.Text("BICID", bic);
                w.End();
            }
        }
        w.End();
    }

    private static string Percent(int basisPoints) => (basisPoints / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z0-9+\\-_/]{1,35}$")]
    private static partial Regex DocumentId();

    [GeneratedRegex("^([0-9]{4,5}|[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2})\\s+(.+)$")]
    private static partial Regex PostcodeAndCity();

    /// <summary>Writes ram: elements and amounts in the document's currency with its decimals.</summary>
    private sealed class Writer(XmlWriter xml, Currency currency)
    {
        public void Start(string name) => xml.WriteStartElement("ram", name, Ram);

        public void End() => xml.WriteEndElement();

        public void Text(string name, string value, params (string Name, string Value)[] attributes)
        {
            Start(name);
            foreach (var (attribute, attributeValue) in attributes)
                xml.WriteAttributeString(attribute, attributeValue);
            xml.WriteString(value);
            End();
        }

        public void Amount(string name, long minor, bool withCurrency = false)
        {
            Start(name);
            if (withCurrency)
                xml.WriteAttributeString("currencyID", currency.Code);
            xml.WriteString(Major(minor));
            End();
        }

        public void Quantity(string name, decimal quantity)
        {
            Start(name);
            // C62: "one", a unit count; Portal's quantities are hours or units with no unit of measure of their own.
            xml.WriteAttributeString("unitCode", "C62");
            xml.WriteString(quantity.ToString("0.###", CultureInfo.InvariantCulture));
            End();
        }

        public void Date(DateOnly date)
        {
            xml.WriteStartElement("udt", "DateTimeString", Udt);
            xml.WriteAttributeString("format", "102");
            xml.WriteString(date.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
            xml.WriteEndElement();
        }

        private string Major(long minor) =>
            (minor / (decimal)currency.MinorPerMajor).ToString(currency.Exponent == 0 ? "0" : "0." + new string('0', currency.Exponent), CultureInfo.InvariantCulture);
    }
}
