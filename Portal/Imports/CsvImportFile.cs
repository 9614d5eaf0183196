using System.Globalization;
using System.Text;
using CsvHelper;
using Portal.Domain;

namespace Portal.Imports;

/// <summary>
/// A CSV file as spreadsheets save it: UTF-8 with or without a byte order mark, comma, semicolon or tab separated
/// (whichever the header line uses most), read a row at a time so a file of any length costs the memory of one row.
/// </summary>
public static class CsvImportFile
{
    public const int MaxMegabytes = 20;
    public const long MaxBytes = MaxMegabytes * 1024L * 1024L;

    /// <summary>Refuses what is not a CSV file before anything reads it: too large, or another kind of file by its name.</summary>
    public static void EnsureAcceptable(string fileName, long size)
    {
        if (size > MaxBytes)
            throw new DomainException($"The file is larger than {MaxMegabytes} MB; split it into smaller files.");
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (extension is not (".csv" or ".txt"))
            throw new DomainException("Choose a CSV file (.csv), saved from your spreadsheet as CSV UTF-8.");
        if (size == 0)
            throw new DomainException("The file is empty.");
    }

    /// <summary>The header row's cells.</summary>
    public static IReadOnlyList<string> Headers(Stream file)
    {
        using var rows = Rows(file).GetEnumerator();
        return rows.MoveNext() ? rows.Current.Cells : throw new DomainException("The file has no header row.");
    }

    /// <summary>Every row with its line number in the file (the header is row 1); empty rows are skipped.</summary>
    public static IEnumerable<(int Row, string[] Cells)> Rows(Stream file)
    {
        file.Position = 0;
        // Strict UTF-8, so a file saved in another encoding is refused with a reason rather than read with broken accents.
        using var text = new StreamReader(file, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        // The library picks the separator from the first lines (comma, semicolon, tab); a French spreadsheet writes semicolons.
        var options = new CsvReaderOptions { HasHeader = false, TrackLineNumbers = true, MaxRecordSize = 1024 * 1024 };
        using var reader = CsvReader.Create(text, options, leaveOpen: true);
        while (Read(reader))
        {
            var cells = new string[reader.FieldCount];
            for (var i = 0; i < cells.Length; i++)
                cells[i] = reader.GetString(i);
            if (cells.All(string.IsNullOrWhiteSpace))
                continue;
            if (cells.Any(c => c.Contains('\0', StringComparison.Ordinal)))
                throw new DomainException("Choose a CSV file (.csv), saved from your spreadsheet as CSV UTF-8.");
            yield return ((int)reader.LineNumber, cells);
        }
    }

    private static bool Read(CsvReader reader)
    {
        try
        {
            return reader.Read();
        }
        catch (DecoderFallbackException)
        {
            throw new DomainException("The file is not UTF-8 text: save it from your spreadsheet as CSV UTF-8.");
        }
        catch (CsvFormatException)
        {
            throw new DomainException("The file is not a CSV file Portal can read: a row is too long or badly quoted.");
        }
    }
}
