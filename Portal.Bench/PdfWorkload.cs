using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Portal.Documents;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;

namespace Portal.Bench;

/// <summary>
/// Renders a three-page invoice (60 lines, logo, brand colour, pay link QR and EPC transfer QR) again and again on
/// one thread and reports the 95th percentile time and the file size. No database: the layout is what is measured.
/// </summary>
internal static class PdfWorkload
{
    public static int Run(string[] args)
    {
        var renders = 500;
        if (args is [_, "--renders", var value] && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
            renders = parsed;
        else if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: Portal.Bench pdf [--renders N]");
            return 2;
        }

        var invoice = Invoice();
        var culture = CultureInfo.GetCultureInfo("fr-FR");
        byte[] pdf = [];
        // The first renders load the fonts and JIT the layout; a server has done that long before its 500th invoice.
        for (var i = 0; i < 20; i++)
            pdf = DocumentPdfs.ComposeInvoice(invoice, culture);

        var times = new double[renders];
        // Wall-clock times count the waits for a core when other work shares the machine; the CPU time the
        // process used per render (the collector's threads included) does not, and says what a quiet core would take.
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < renders; i++)
        {
            var started = Stopwatch.GetTimestamp();
            pdf = DocumentPdfs.ComposeInvoice(invoice, culture);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        var cpuPerRender = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / renders;
        Array.Sort(times);
        var pages = CountPages(pdf);
        Console.WriteLine($"pdf: {renders} renders of a {invoice.Lines.Count}-line invoice, {pages} pages, logo {LogoBytes.Length / 1024.0:F1} KB, "
            + $"p50 {Percentile(times, 0.50):F1} ms, max {times[^1]:F1} ms");
        var sample = Path.Combine(Path.GetTempPath(), "portal-bench-invoice.pdf");
        File.WriteAllBytes(sample, pdf);
        Console.WriteLine($"pdf: the last one is in {sample}");
        Console.WriteLine($"pdf_pages={pages}");
        Console.WriteLine($"pdf_ms_p95={Percentile(times, 0.95).ToString("F1", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"pdf_cpu_ms_avg={cpuPerRender.ToString("F1", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"pdf_kb={(pdf.Length / 1024.0).ToString("F1", CultureInfo.InvariantCulture)}");
        return 0;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static int CountPages(byte[] pdf) =>
        System.Text.RegularExpressions.Regex.Matches(System.Text.Encoding.Latin1.GetString(pdf), @"/Type\s*/Page[^s]").Count;

    private static InvoicePdfModel Invoice()
    {
        var lines = Enumerable.Range(1, 60).Select(i => InvoiceLine.Preview(i, new InvoiceLineInput(
            i % 2 == 0 ? $"Consulting session {i}: monthly review of entries and bank reconciliation" : $"Consulting session {i}",
            1.5m, 80_00 + i, i % 3 == 0 ? 550 : 2000))).ToList();
        var total = new Money(lines.Sum(l => l.TotalMinor), Currency.EUR);
        var paid = new Money(500_00, Currency.EUR);
        var seller = new DocumentSeller("Cabinet Martin",
            new FirmLegalIdentity("Cabinet Martin SAS", "12 rue de la Paix\n75002 Paris", "732829320", "73282932000074", "FR44732829320", "FR7630006000011234567890189", "BNPAFRPPXXX"),
            "#1E88E5", "data:image/png;base64," + Convert.ToBase64String(LogoBytes));
        var buyer = new DocumentBuyer("Maison Dupont SARL", "compta@maison-dupont.example", "552100554");
        return new InvoicePdfModel(new DocumentParties(seller, buyer), "INV-00042", InvoiceStatus.PartiallyPaid, Currency.EUR,
            new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 31), "PO-7781", "Thank you for your trust.", lines, paid, Money.Zero(Currency.EUR),
            total - paid, new DateOnly(2026, 12, 5), new Uri("https://portal.example/portal/invoices/0193a1f2-7c4e-7b1a-9f3e-2d4c5b6a7e8f"));
    }

    private static readonly byte[] LogoBytes = GradientPng(480, 160);

    /// <summary>A 480×160 PNG standing in for a firm's logo: gradients and a chequer of bands, tens of kilobytes as a real logo.</summary>
    private static byte[] GradientPng(int width, int height)
    {
        var raw = new byte[height * (width * 3 + 1)];
        for (var y = 0; y < height; y++)
        {
            var row = y * (width * 3 + 1);
            raw[row] = 0;
            for (var x = 0; x < width; x++)
            {
                var band = (x / 40 + y / 40) % 2 == 0;
                raw[row + 1 + x * 3] = (byte)(30 + x * 200 / width);
                raw[row + 2 + x * 3] = (byte)(band ? 136 : 90 + y);
                raw[row + 3 + x * 3] = (byte)(229 - y / 2);
            }
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(raw);
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32([.. typeBytes, .. data]));
        png.Write(number);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
