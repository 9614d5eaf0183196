using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace Portal.Documents;

/// <summary>
/// PDFsharp on Linux has no system fonts to fall back on: every face it draws comes from here, embedded in the
/// app (DejaVu Sans, Bitstream Vera licence, in Fonts/), so a fresh machine renders the same PDF as any other.
/// PDFsharp embeds only the glyphs a document uses.
/// </summary>
internal sealed class PdfFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    private static readonly Lock Gate = new();
    private static bool _installed;
    private readonly ConcurrentDictionary<string, byte[]> _faces = new();

    /// <summary>Installs the resolver once per process; PDFsharp refuses a second one after fonts were used.</summary>
    public static void EnsureInstalled()
    {
        if (Volatile.Read(ref _installed))
            return;
        lock (Gate)
        {
            if (_installed)
                return;
            if (GlobalFontSettings.FontResolver is not PdfFonts)
                GlobalFontSettings.FontResolver = new PdfFonts();
            Volatile.Write(ref _installed, true);
        }
    }

    // Every family asked for maps to DejaVu Sans: the documents use no other, and a stray name must not fail a render.
    public FontResolverInfo ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        new(isBold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: isItalic);

    public byte[] GetFont(string faceName) => _faces.GetOrAdd(faceName, static face =>
    {
        using var stream = typeof(PdfFonts).Assembly.GetManifestResourceStream($"Portal.Documents.Fonts.{face}.ttf")
            ?? throw new InvalidOperationException($"The font {face} is not embedded in the app.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });
}
