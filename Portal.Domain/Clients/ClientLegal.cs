using System.Text.RegularExpressions;
using Portal.Domain.Firms;

namespace Portal.Domain.Clients;

/// <summary>
/// Who the client is for French e-invoicing: it decides which mentions an invoice needs and how it travels (the
/// BAR note: B2B, B2C, B2BINT). Clients made before the firm said so are <see cref="NotStated"/>.
/// </summary>
public enum ClientKind
{
    NotStated = 0,
    FrenchBusiness = 1,
    Consumer = 2,
    International = 3,
}

/// <summary>What the law asks to know about a client: its kind, company numbers, country, postal and delivery addresses.</summary>
public sealed record ClientLegalDetails(
    ClientKind Kind = ClientKind.NotStated,
    string? Siren = null,
    string? Siret = null,
    string? VatNumber = null,
    string? Country = null,
    string? Address = null,
    string? DeliveryAddress = null)
{
    public static readonly ClientLegalDetails None = new();
}

public sealed partial class ClientAccount
{
    public ClientKind Kind { get; private set; }
    public string? Siren { get; private set; }
    public string? Siret { get; private set; }
    public string? VatNumber { get; private set; }
    /// <summary>ISO 3166-1 alpha-2 code of the client's country (FR, BE, DE…).</summary>
    public string? Country { get; private set; }
    /// <summary>The client's postal address, one line per line, as printed.</summary>
    public string? Address { get; private set; }
    /// <summary>Where goods go when that is not the postal address (BG-15), one line per line.</summary>
    public string? DeliveryAddress { get; private set; }

    public ClientLegalDetails LegalDetails => new(Kind, Siren, Siret, VatNumber, Country, Address, DeliveryAddress);

    /// <summary>The country invoices name for the client: the one given, else France for a French business.</summary>
    public string? EffectiveCountry => Country ?? (Kind == ClientKind.FrenchBusiness ? "FR" : null);

    /// <summary>Checks every field against the kind of client and keeps them all, or none.</summary>
    public void SetLegalDetails(ClientLegalDetails details)
    {
        if (!Enum.IsDefined(details.Kind))
            throw new DomainException("Choose whether the client is a French business, a consumer or international.");
        // Each refusal names its field, so the form shows it there.
        var siren = DomainException.OnField(nameof(details.Siren), () => CompanyIdentifiers.NormalizeSiren(details.Siren));
        var siret = DomainException.OnField(nameof(details.Siret), () => CompanyIdentifiers.NormalizeSiret(details.Siret));
        if (siren is not null && siret is not null && !siret.StartsWith(siren, StringComparison.Ordinal))
            throw new DomainException($"The SIRET {siret} does not belong to the SIREN {siren}: its first nine digits must be the SIREN.").About(nameof(details.Siret));
        siren ??= siret?[..9];
        var vat = DomainException.OnField(nameof(details.VatNumber), () => CompanyIdentifiers.NormalizeVatNumber(details.VatNumber));
        if (vat is not null && vat.StartsWith("FR", StringComparison.Ordinal) && siren is not null && vat[4..] != siren)
            throw new DomainException($"The VAT number {vat} is for the SIREN {vat[4..]}, not the client's SIREN {siren}.").About(nameof(details.VatNumber));
        var country = DomainException.OnField(nameof(details.Country), () => NormalizeCountry(details.Country));
        if (details.Kind == ClientKind.FrenchBusiness && country is not null && country != "FR")
            throw new DomainException($"A French business is in France (FR), not {country}; choose international for a company abroad.").About(nameof(details.Country));
        if (details.Kind == ClientKind.International && country is null)
            throw new DomainException("Give the country of an international client.").About(nameof(details.Country));
        if (details.Kind == ClientKind.International && country == "FR")
            throw new DomainException("An international client is outside France: give its country, or choose French business or consumer.").About(nameof(details.Country));
        if (details.Kind == ClientKind.Consumer && (siren is not null || siret is not null))
            throw new DomainException("A consumer has no SIREN or SIRET; choose French business for a company.").About(siren is not null ? nameof(details.Siren) : nameof(details.Siret));
        var address = DomainException.OnField(nameof(details.Address), () => Text(details.Address, "The address"));
        var delivery = DomainException.OnField(nameof(details.DeliveryAddress), () => Text(details.DeliveryAddress, "The delivery address"));

        Kind = details.Kind;
        Siren = siren;
        Siret = siret;
        VatNumber = vat;
        Country = country;
        Address = address;
        DeliveryAddress = delivery;
    }

    /// <summary>
    /// Refuses to issue an invoice that would lack a mention the law asks of this client: a French business needs
    /// its SIREN (BT-47, mandatory since 1 September 2026).
    /// </summary>
    public void EnsureCanBeInvoiced()
    {
        if (Kind == ClientKind.FrenchBusiness && Siren is null)
            throw new DomainException($"{Name} is a French business: its SIREN is missing, and an invoice to a French business must carry it. Add it on the client's page.");
    }

    private static string? NormalizeCountry(string? value)
    {
        var country = value?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(country))
            return null;
        return CountryShape().IsMatch(country)
            ? country
            : throw new DomainException($"'{value}' is not a country code: two letters, as FR, BE or DE.");
    }

    private static string? Text(string? value, string what)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return null;
        const int max = 400;
        return trimmed.Length > max ? throw new DomainException($"{what} has at most {max} characters.") : trimmed;
    }

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryShape();
}
