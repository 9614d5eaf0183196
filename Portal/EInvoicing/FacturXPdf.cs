using System.Globalization;
using System.Security;
using System.Text;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace Portal.EInvoicing;

/// <summary>
/// Makes a PDF drawn by Portal's renderer (PDFsharp 6.2.4, fonts embedded as subsets) a Factur-X PDF/A-3b: the CII
/// attached as <c>factur-x.xml</c> (MIME text/xml, AFRelationship /Data, listed in the catalog's /AF and in the
/// EmbeddedFiles names), an sRGB output intent and XMP metadata saying PDF/A-3 B with the fx: properties and their
/// extension schema (Factur-X 1.0x §6, EINVOICING.md §1). PDFsharp's own SetPdfA writes a PDF/A-1a XMP and no
/// attachment relationship, so these are written here through its low-level objects instead.
/// </summary>
public static class FacturXPdf
{
    public const string AttachmentName = "factur-x.xml";
    public const string FxNamespace = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";
    public const string ConformanceLevel = "EN 16931";

    /// <summary>
    /// The sRGB IEC 61966-2-1 profile (sRGB2014.icc by the International Color Consortium, free to copy, embed and
    /// distribute), as shipped inside PDFsharp's assembly for its PDF/A output intent.
    /// </summary>
    private static readonly Lazy<byte[]> SrgbProfile = new(() =>
    {
        using var stream = typeof(PdfDocument).Assembly.GetManifestResourceStream("PdfSharp.Resources.sRGB2014.icc")
            ?? throw new InvalidOperationException("PDFsharp's sRGB profile is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static byte[] Embed(byte[] pdf, byte[] xml, DateTimeOffset now)
    {
        using var input = new MemoryStream(pdf);
        using var document = PdfReader.Open(input, PdfDocumentOpenMode.Modify);
        var catalog = document.Internals.Catalog;

        var file = new PdfDictionary(document);
        file.Elements.SetName("/Type", "/EmbeddedFile");
        // The MIME type as a PDF name: its slash is written #2F.
        file.Elements["/Subtype"] = new PdfLiteral("/text#2Fxml");
        var parameters = new PdfDictionary(document);
        parameters.Elements.SetInteger("/Size", xml.Length);
        parameters.Elements["/ModDate"] = new PdfString(PdfDate(now));
        file.Elements["/Params"] = parameters;
        file.CreateStream(xml);
        document.Internals.AddObject(file);

        var spec = new PdfDictionary(document);
        spec.Elements.SetName("/Type", "/Filespec");
        spec.Elements["/F"] = new PdfString(AttachmentName);
        spec.Elements["/UF"] = new PdfString(AttachmentName);
        spec.Elements["/Desc"] = new PdfString("Factur-X invoice");
        spec.Elements.SetName("/AFRelationship", "/Data");
        var streams = new PdfDictionary(document);
        streams.Elements.SetReference("/F", file);
        streams.Elements.SetReference("/UF", file);
        spec.Elements["/EF"] = streams;
        document.Internals.AddObject(spec);

        var embedded = new PdfDictionary(document);
        embedded.Elements["/Names"] = new PdfArray(document, new PdfString(AttachmentName), spec.Reference!);
        var names = new PdfDictionary(document);
        names.Elements["/EmbeddedFiles"] = embedded;
        catalog.Elements["/Names"] = names;
        catalog.Elements["/AF"] = new PdfArray(document, spec.Reference!);

        var profile = new PdfDictionary(document);
        profile.Elements.SetInteger("/N", 3);
        profile.CreateStream(SrgbProfile.Value);
        document.Internals.AddObject(profile);
        var intent = new PdfDictionary(document);
        intent.Elements.SetName("/Type", "/OutputIntent");
        intent.Elements.SetName("/S", "/GTS_PDFA1");
        intent.Elements["/OutputConditionIdentifier"] = new PdfString("sRGB IEC61966-2.1");
        intent.Elements["/Info"] = new PdfString("sRGB IEC61966-2.1");
        intent.Elements.SetReference("/DestOutputProfile", profile);
        catalog.Elements["/OutputIntents"] = new PdfArray(document, intent);

        document.Info.ModificationDate = now.UtcDateTime;
        document.Info.CreationDate = now.UtcDateTime;
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        // PDFsharp writes its own XMP at every save; the Factur-X one replaces it in an incremental update.
        return WithXmp(output.ToArray(), now);
    }

    /// <summary>
    /// Appends an incremental update that redefines the catalog's metadata stream object with the PDF/A-3 B and fx:
    /// XMP, repeating what the saved document information says (title, creator, producer).
    /// </summary>
    private static byte[] WithXmp(byte[] pdf, DateTimeOffset now)
    {
        int metadataObject;
        string title, creator, producer;
        using (var saved = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import))
        {
            metadataObject = saved.Internals.Catalog.Elements.GetReference("/Metadata")?.ObjectNumber
                ?? throw new InvalidOperationException("The saved PDF has no metadata stream to replace.");
            (title, creator, producer) = (saved.Info.Title, saved.Info.Creator, saved.Info.Producer);
        }
        var text = Encoding.Latin1.GetString(pdf);
        var startXref = text.LastIndexOf("startxref", StringComparison.Ordinal);
        var trailerAt = text.LastIndexOf("trailer", startXref, StringComparison.Ordinal);
        if (startXref < 0 || trailerAt < 0)
            throw new InvalidOperationException("The saved PDF has no classic trailer to update.");
        var previous = long.Parse(text.AsSpan(startXref + 9).Trim().ToString().Split('\n', '\r')[0], CultureInfo.InvariantCulture);
        var dictionaryStart = text.IndexOf("<<", trailerAt, StringComparison.Ordinal);
        var dictionaryEnd = text.LastIndexOf(">>", startXref, StringComparison.Ordinal);
        var trailer = text[(dictionaryStart + 2)..dictionaryEnd];
        trailer = System.Text.RegularExpressions.Regex.Replace(trailer, "/Prev\\s+\\d+", "");

        var xmp = Encoding.UTF8.GetBytes(Xmp(title, creator, producer, now));
        using var update = new MemoryStream();
        update.Write(pdf);
        void Write(string value) => update.Write(Encoding.ASCII.GetBytes(value));
        Write("\n");
        var objectAt = update.Position;
        Write(string.Create(CultureInfo.InvariantCulture, $"{metadataObject} 0 obj\n<< /Type /Metadata /Subtype /XML /Length {xmp.Length} >>\nstream\n"));
        update.Write(xmp);
        Write("\nendstream\nendobj\n");
        var xrefAt = update.Position;
        Write(string.Create(CultureInfo.InvariantCulture, $"xref\n{metadataObject} 1\n{objectAt:D10} 00000 n\r\ntrailer\n<<{trailer} /Prev {previous} >>\nstartxref\n{xrefAt}\n%%EOF\n"));
        return update.ToArray();
    }

    /// <summary>The XMP packet: PDF/A-3 B identification, Dublin Core title, the fx: properties and their extension schema.</summary>
    public static string Xmp(string title, string creator, string producer, DateTimeOffset now)
    {
        var date = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        static string E(string value) => SecurityElement.Escape(value);
        static string Property(string name, string description) =>
            $"""
                      <rdf:li rdf:parseType="Resource">
                        <pdfaProperty:name>{name}</pdfaProperty:name>
                        <pdfaProperty:valueType>Text</pdfaProperty:valueType>
                        <pdfaProperty:category>external</pdfaProperty:category>
                        <pdfaProperty:description>{description}</pdfaProperty:description>
                      </rdf:li>
            """;
        return $"""
            <?xpacket begin="{'\uFEFF'}" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/">
              <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
                <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
                  <pdfaid:part>3</pdfaid:part>
                  <pdfaid:conformance>B</pdfaid:conformance>
                </rdf:Description>
                <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
                  <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{E(title)}</rdf:li></rdf:Alt></dc:title>
                </rdf:Description>
                <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
                  <pdf:Producer>{E(producer)}</pdf:Producer>
                </rdf:Description>
                <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
                  <xmp:CreatorTool>{E(creator)}</xmp:CreatorTool>
                  <xmp:CreateDate>{date}</xmp:CreateDate>
                  <xmp:ModifyDate>{date}</xmp:ModifyDate>
                </rdf:Description>
                <rdf:Description rdf:about="" xmlns:fx="{FxNamespace}">
                  <fx:DocumentType>INVOICE</fx:DocumentType>
                  <fx:DocumentFileName>{AttachmentName}</fx:DocumentFileName>
                  <fx:Version>1.0</fx:Version>
                  <fx:ConformanceLevel>{ConformanceLevel}</fx:ConformanceLevel>
                </rdf:Description>
                <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
                  <pdfaExtension:schemas>
                    <rdf:Bag>
                      <rdf:li rdf:parseType="Resource">
                        <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
                        <pdfaSchema:namespaceURI>{FxNamespace}</pdfaSchema:namespaceURI>
                        <pdfaSchema:prefix>fx</pdfaSchema:prefix>
                        <pdfaSchema:property>
                          <rdf:Seq>
            {Property("DocumentFileName", "The name of the embedded XML document")}
            {Property("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER")}
            {Property("Version", "The actual version of the standard applying to the embedded XML document")}
            {Property("ConformanceLevel", "The conformance level of the embedded XML document")}
                          </rdf:Seq>
                        </pdfaSchema:property>
                      </rdf:li>
                    </rdf:Bag>
                  </pdfaExtension:schemas>
                </rdf:Description>
              </rdf:RDF>
            </x:xmpmeta>
            <?xpacket end="w"?>
            """;
    }

    private static string PdfDate(DateTimeOffset now) => "D:" + now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "Z";
}
