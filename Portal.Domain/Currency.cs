using System.Collections.Frozen;

namespace Portal.Domain;

/// <summary>An ISO 4217 currency and the number of decimal places of its minor unit.</summary>
public readonly record struct Currency
{
    private Currency(string code, int exponent)
    {
        Code = code;
        Exponent = exponent;
    }

    public string Code { get; }

    /// <summary>Digits after the decimal point: JPY 0, EUR 2, KWD 3.</summary>
    public int Exponent { get; }

    /// <summary>How many minor units make one major unit (100 for EUR, 1 for JPY, 1000 for KWD).</summary>
    public long MinorPerMajor => Exponent switch { 0 => 1, 1 => 10, 2 => 100, 3 => 1000, _ => 10000 };

    public static readonly Currency EUR = new("EUR", 2);
    public static readonly Currency GBP = new("GBP", 2);
    public static readonly Currency USD = new("USD", 2);
    public static readonly Currency JPY = new("JPY", 0);
    public static readonly Currency KWD = new("KWD", 3);

    // Exponents differ from 2 only for these; every other active ISO 4217 code listed below uses 2.
    private static readonly FrozenDictionary<string, int> NonDecimalExponents = new Dictionary<string, int>
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0,
        ["KRW"] = 0, ["PYG"] = 0, ["RWF"] = 0, ["UGX"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0,
        ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
    }.ToFrozenDictionary();

    private static readonly FrozenSet<string> TwoDecimalCodes = new[]
    {
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN",
        "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CNY", "COP",
        "CRC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
        "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR",
        "JMD", "KES", "KGS", "KHR", "KPW", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL",
        "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN",
        "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB",
        "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
        "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "UYU", "UZS", "VES",
        "WST", "XCD", "YER", "ZAR", "ZMW", "ZWG",
    }.ToFrozenSet();

    /// <summary>Every currency Portal knows, sorted by code.</summary>
    public static IReadOnlyList<Currency> All { get; } = TwoDecimalCodes.Select(c => new Currency(c, 2))
        .Concat(NonDecimalExponents.Select(p => new Currency(p.Key, p.Value)))
        .OrderBy(c => c.Code, StringComparer.Ordinal)
        .ToArray();

    public static bool TryFromCode(string? code, out Currency currency)
    {
        var normalized = code?.Trim().ToUpperInvariant() ?? "";
        if (NonDecimalExponents.TryGetValue(normalized, out var exponent))
        {
            currency = new Currency(normalized, exponent);
            return true;
        }
        if (TwoDecimalCodes.Contains(normalized))
        {
            currency = new Currency(normalized, 2);
            return true;
        }
        currency = default;
        return false;
    }

    public static Currency FromCode(string? code) =>
        TryFromCode(code, out var currency)
            ? currency
            : throw new DomainException($"'{code}' is not a currency Portal knows (ISO 4217 code expected).");

    /// <summary>True for the zero value of the struct, which is not a currency.</summary>
    public bool IsUnset => Code is null;

    public override string ToString() => Code ?? "";
}
