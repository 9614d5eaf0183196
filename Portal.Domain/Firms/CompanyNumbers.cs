using System.Text.RegularExpressions;

namespace Portal.Domain.Firms;

/// <summary>
/// A French company number (SIREN): nine digits whose Luhn checksum holds. Only <see cref="Parse"/> makes one,
/// so a value of this type is always valid; entities keep its <see cref="Value"/>.
/// </summary>
public readonly record struct Siren
{
    private Siren(string value) => Value = value;

    public string Value { get; }

    /// <summary>Spaces, dots and dashes are allowed in and dropped; anything else wrong is refused with the reason.</summary>
    public static Siren Parse(string value) =>
        new(CompanyIdentifiers.NormalizeSiren(value) ?? throw new DomainException("A SIREN is needed: nine digits, as on the Kbis."));

    public static Siren? ParseOptional(string? value) => CompanyIdentifiers.NormalizeSiren(value) is { } siren ? new Siren(siren) : null;

    public override string ToString() => Value;
}

/// <summary>An establishment number (SIRET): fourteen digits, the SIREN then five, whose Luhn checksum holds.</summary>
public readonly record struct Siret
{
    private Siret(string value) => Value = value;

    public string Value { get; }

    /// <summary>The SIREN of the company the establishment belongs to: its first nine digits.</summary>
    public Siren Siren => Siren.Parse(Value[..9]);

    public static Siret Parse(string value) =>
        new(CompanyIdentifiers.NormalizeSiret(value) ?? throw new DomainException("A SIRET is needed: fourteen digits, as on the Kbis."));

    public static Siret? ParseOptional(string? value) => CompanyIdentifiers.NormalizeSiret(value) is { } siret ? new Siret(siret) : null;

    public override string ToString() => Value;
}

/// <summary>
/// An intra-EU VAT number: the country's two letters then its number. Its shape is checked for every country, and a
/// French one must carry the key computed from its SIREN (<see cref="CompanyIdentifiers.FrenchVatKey"/>).
/// </summary>
public readonly record struct VatNumber
{
    private VatNumber(string value) => Value = value;

    public string Value { get; }

    /// <summary>The two letters of the country that gave the number (EL for Greece, as VIES writes it).</summary>
    public string CountryPrefix => Value[..2];

    public bool IsFrench => CountryPrefix == "FR";

    /// <summary>The SIREN a French number is built on; null for other countries.</summary>
    public Siren? Siren => IsFrench ? Firms.Siren.Parse(Value[4..]) : null;

    public static VatNumber Parse(string value) =>
        new(CompanyIdentifiers.NormalizeVatNumber(value) ?? throw new DomainException("A VAT number is needed: two letters of the country, then its number."));

    public static VatNumber? ParseOptional(string? value) => CompanyIdentifiers.NormalizeVatNumber(value) is { } vat ? new VatNumber(vat) : null;

    public override string ToString() => Value;
}

/// <summary>
/// Where a company receives electronic invoices: its address in the French directory, scheme 0225 (BT-34, BT-49).
/// French directory addresses begin with the company's SIREN (the SIREN alone, or followed by a suffix such as
/// its SIRET or a service code), in the characters the directory allows, at most 125.
/// </summary>
public static partial class ElectronicAddress
{
    public const string Scheme = "0225";

    public static string? Normalize(string? value, string? siren)
    {
        var address = value?.Trim();
        if (string.IsNullOrEmpty(address))
            return null;
        if (address.Length > 125 || !Shape().IsMatch(address))
            throw new DomainException($"'{value}' is not an electronic invoicing address: at most 125 letters, digits and the signs + - _ / are allowed.");
        if (siren is not null && !address.StartsWith(siren, StringComparison.Ordinal))
            throw new DomainException($"The electronic invoicing address {address} must begin with the SIREN {siren}.");
        return address;
    }

    [GeneratedRegex("^[A-Za-z0-9+\\-_/]+$")]
    private static partial Regex Shape();
}
