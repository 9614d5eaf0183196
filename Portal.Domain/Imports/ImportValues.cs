using System.Globalization;

namespace Portal.Domain.Imports;

/// <summary>
/// Numbers and dates as spreadsheets write them, French or English: "1 234,56", "1234.56", "1,234.56", "20 %",
/// "31/01/2026", "2026-01-31". A value that could be read two ways is refused rather than guessed.
/// </summary>
public static class ImportValues
{
    private static readonly string[] DateFormats = ["dd/MM/yyyy", "d/M/yyyy", "yyyy-MM-dd", "dd.MM.yyyy", "dd-MM-yyyy"];

    public static decimal ParseDecimal(string text)
    {
        // Thousands are grouped with spaces in French (often no-break or narrow no-break spaces), or with the separator
        // that is not the decimal one.
        var compact = new string(text.Where(c => !char.IsWhiteSpace(c) && c is not '\u00A0' and not '\u202F' and not '\'').ToArray());
        var negative = compact.StartsWith('-');
        if (negative)
            compact = compact[1..];
        var lastComma = compact.LastIndexOf(',');
        var lastPoint = compact.LastIndexOf('.');
        string normalized;
        if (lastComma >= 0 && lastPoint >= 0)
        {
            var (decimalSeparator, grouping) = lastComma > lastPoint ? (',', '.') : ('.', ',');
            normalized = compact.Replace(grouping.ToString(), "", StringComparison.Ordinal).Replace(decimalSeparator, '.');
        }
        else if (lastComma >= 0)
            normalized = compact.Count(c => c == ',') == 1 ? compact.Replace(',', '.') : throw NotANumber(text);
        else
            normalized = compact.Count(c => c == '.') <= 1 ? compact : throw NotANumber(text);
        if (normalized.Length == 0 || !normalized.All(c => char.IsAsciiDigit(c) || c == '.') || normalized.StartsWith('.') || normalized.EndsWith('.')
            || !decimal.TryParse(normalized, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            throw NotANumber(text);
        return negative ? -value : value;
    }

    /// <summary>An amount in <paramref name="currency"/>, in minor units; more decimals than the currency has is refused.</summary>
    public static Money ParseMoney(string text, Currency currency)
    {
        var value = ParseDecimal(text);
        var minor = value * currency.MinorPerMajor;
        if (minor != decimal.Truncate(minor))
            throw new DomainException($"'{text}' has more decimals than {currency} has.");
        if (Math.Abs(minor) > 1_000_000_000_000m)
            throw new DomainException($"'{text}' is too large an amount.");
        return new Money((long)minor, currency);
    }

    /// <summary>A rate in percent ("20", "5,5", "20 %") as basis points (2000).</summary>
    public static int ParseRate(string text)
    {
        var value = ParseDecimal(text.Replace("%", "", StringComparison.Ordinal));
        var basisPoints = value * 100;
        if (basisPoints != decimal.Truncate(basisPoints) || basisPoints is < 0 or > 10_000)
            throw new DomainException($"'{text}' is not a rate between 0 and 100 % with at most two decimals.");
        return (int)basisPoints;
    }

    public static DateOnly ParseDate(string text)
    {
        var trimmed = text.Trim();
        var withoutTime = trimmed.Length > 10 && (trimmed[10] == 'T' || trimmed[10] == ' ') ? trimmed[..10] : trimmed;
        return DateOnly.TryParseExact(withoutTime, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new DomainException($"'{text}' is not a date: write it 31/01/2026 or 2026-01-31.");
    }

    private static DomainException NotANumber(string text) => new($"'{text}' is not a number.");
}
