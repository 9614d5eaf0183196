using System.Buffers.Binary;
using System.IO.Compression;

namespace Portal.Tests.Fixture;

/// <summary>
/// Reads the QR code in a PNG as a banking app's camera would: the PNG is decoded here (greyscale or palette, any bit
/// depth up to 8, every scanline filter), with no image library, and its pixels go to ZXing. The test so checks what
/// the picture says, not how it was made.
/// </summary>
public static class QrImages
{
    public static string? Read(byte[] png)
    {
        var (width, height, gray) = Decode(png);
        var bitmap = new ZXing.BinaryBitmap(new ZXing.Common.HybridBinarizer(
            new ZXing.RGBLuminanceSource(gray, width, height, ZXing.RGBLuminanceSource.BitmapFormat.Gray8)));
        return new ZXing.QrCode.QRCodeReader().decode(bitmap,
            new Dictionary<ZXing.DecodeHintType, object> { [ZXing.DecodeHintType.TRY_HARDER] = true })?.Text;
    }

    private static (int Width, int Height, byte[] Gray) Decode(byte[] png)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (!png.AsSpan(0, 8).SequenceEqual(signature))
            throw new InvalidDataException("Not a PNG.");
        int width = 0, height = 0, depth = 0, colour = 0;
        byte[]? palette = null;
        using var compressed = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    depth = data[8];
                    colour = data[9];
                    if (colour is not (0 or 3) || depth > 8 || data[12] != 0)
                        throw new InvalidDataException($"Colour type {colour}, depth {depth}, interlace {data[12]}: not read here.");
                    break;
                case "PLTE": palette = data.ToArray(); break;
                case "IDAT": compressed.Write(data); break;
            }
            at += 12 + length;
        }
        compressed.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
            zlib.CopyTo(inflated);
        var raw = inflated.ToArray();

        var stride = (width * depth + 7) / 8;
        var bytesPerPixel = Math.Max(1, depth / 8);
        var previous = new byte[stride];
        var gray = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride).ToArray();
            for (var x = 0; x < stride; x++)
            {
                int left = x >= bytesPerPixel ? line[x - bytesPerPixel] : 0, up = previous[x], upLeft = x >= bytesPerPixel ? previous[x - bytesPerPixel] : 0;
                line[x] = (byte)(line[x] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"Scanline filter {filter}."),
                });
            }
            for (var x = 0; x < width; x++)
            {
                var bit = x * depth;
                var sample = (line[bit / 8] >> (8 - depth - bit % 8)) & ((1 << depth) - 1);
                gray[y * width + x] = colour == 3
                    ? (byte)((palette![sample * 3] + palette[sample * 3 + 1] + palette[sample * 3 + 2]) / 3)
                    : (byte)(sample * 255 / ((1 << depth) - 1));
            }
            previous = line;
        }
        return (width, height, gray);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
