using System.Text.RegularExpressions;

namespace Portal.Domain.Firms;

/// <summary>
/// Who the firm is in law and where it is paid, as printed on its invoices: legal name and address, French
/// company numbers (SIREN, SIRET), VAT number, the bank account a client can pay by transfer (IBAN, BIC), and the
/// SEPA creditor identifier its direct debits are collected under.
/// Every field is optional, but a field given is checked: a wrong SIREN or IBAN on an invoice costs the firm
/// a rejected invoice or a payment that never arrives.
/// </summary>
public sealed record FirmLegalIdentity(
    string? LegalName = null,
    string? Address = null,
    string? Siren = null,
    string? Siret = null,
    string? VatNumber = null,
    string? Iban = null,
    string? Bic = null,
    string? LatePaymentPenalty = null,
    string? ElectronicAddress = null,
    bool VatOnDebits = false,
    CompanySize? Size = null,
    string? SepaCreditorId = null)
{
    public static readonly FirmLegalIdentity None = new();

    /// <summary>A French firm: it has a SIREN, so its B2B invoices carry the French late-payment mentions.</summary>
    public bool IsFrench => Siren is not null;
}

/// <summary>
/// The firm's size category in French law (LME 2008: large, mid-size, small or micro enterprise), which sets the date
/// from which it must issue e-invoices.
/// </summary>
public enum CompanySize
{
    /// <summary>A small or medium-sized enterprise (PME) or a micro-enterprise: issues e-invoices from 1 September 2027.</summary>
    SmallOrMicro = 1,
    /// <summary>A large enterprise (GE) or a mid-size one (ETI): issues e-invoices from 1 September 2026.</summary>
    LargeOrMidSize = 2,
}

public sealed partial class Firm
{
    public string? LegalName { get; private set; }
    /// <summary>Postal address, one line per line, as printed.</summary>
    public string? LegalAddress { get; private set; }
    public string? Siren { get; private set; }
    public string? Siret { get; private set; }
    public string? VatNumber { get; private set; }
    public string? Iban { get; private set; }
    public string? Bic { get; private set; }
    /// <summary>The late-payment penalty rate the firm applies, as printed ("three times the legal interest rate"); null prints the legal minimum.</summary>
    public string? LatePaymentPenalty { get; private set; }
    /// <summary>Where the firm receives e-invoices: its directory address, scheme 0225 (BT-34).</summary>
    public string? ElectronicAddress { get; private set; }
    /// <summary>
    /// The firm opted to pay VAT on its debits (on invoicing) rather than on receipt for its services; the invoice
    /// must then say so (BT-8) and no "cashed" status is owed to the administration.
    /// </summary>
    public bool VatOnDebits { get; private set; }
    /// <summary>The firm's size category, as its owner states it; null until stated.</summary>
    public CompanySize? Size { get; private set; }
    /// <summary>
    /// The SEPA creditor identifier (in France the ICS) the firm's direct debits are collected under, as on its mandates:
    /// its own, or its payment provider's. Factur-X carries it with the mandate reference (BT-90, BT-89).
    /// </summary>
    public string? SepaCreditorId { get; private set; }

    public FirmLegalIdentity LegalIdentity => new(LegalName, LegalAddress, Siren, Siret, VatNumber, Iban, Bic, LatePaymentPenalty, ElectronicAddress, VatOnDebits, Size, SepaCreditorId);

    /// <summary>Checks and normalises every field (spaces out of numbers, upper case) and keeps them all, or none.</summary>
    public void SetLegalIdentity(FirmLegalIdentity identity)
    {
        // Each refusal names its field, so the form shows it there.
        var legalName = DomainException.OnField(nameof(identity.LegalName), () => Text(identity.LegalName, 200, "The legal name"));
        var address = DomainException.OnField(nameof(identity.Address), () => Text(identity.Address, 400, "The address"));
        var penalty = DomainException.OnField(nameof(identity.LatePaymentPenalty), () => Text(identity.LatePaymentPenalty, 300, "The late-payment penalty text"));
        var siren = DomainException.OnField(nameof(identity.Siren), () => CompanyIdentifiers.NormalizeSiren(identity.Siren));
        var siret = DomainException.OnField(nameof(identity.Siret), () => CompanyIdentifiers.NormalizeSiret(identity.Siret));
        if (siren is not null && siret is not null && !siret.StartsWith(siren, StringComparison.Ordinal))
            throw new DomainException($"The SIRET {siret} does not belong to the SIREN {siren}: its first nine digits must be the SIREN.").About(nameof(identity.Siret));
        siren ??= siret?[..9];
        var vat = DomainException.OnField(nameof(identity.VatNumber), () => CompanyIdentifiers.NormalizeVatNumber(identity.VatNumber, siren));
        var iban = DomainException.OnField(nameof(identity.Iban), () => BankIdentifiers.NormalizeIban(identity.Iban));
        var bic = DomainException.OnField(nameof(identity.Bic), () => BankIdentifiers.NormalizeBic(identity.Bic));
        var creditorId = DomainException.OnField(nameof(identity.SepaCreditorId), () => BankIdentifiers.NormalizeSepaCreditorId(identity.SepaCreditorId));
        var electronicAddress = DomainException.OnField(nameof(identity.ElectronicAddress), () => Firms.ElectronicAddress.Normalize(identity.ElectronicAddress, siren));
        if (identity.Size is { } size && !Enum.IsDefined(size))
            throw new DomainException("The firm's size is not one the law knows.");

        LegalName = legalName;
        LegalAddress = address;
        Siren = siren;
        Siret = siret;
        VatNumber = vat;
        Iban = iban;
        Bic = bic;
        LatePaymentPenalty = penalty;
        ElectronicAddress = electronicAddress;
        VatOnDebits = identity.VatOnDebits;
        Size = identity.Size;
        SepaCreditorId = creditorId;
    }

    /// <summary>
    /// Takes the SEPA creditor identifier the firm's direct-debit provider collects under, when the firm has not stated
    /// one. False when the firm keeps its own, or the provider's is not a valid identifier.
    /// </summary>
    public bool AdoptSepaCreditorId(string? fromProvider)
    {
        if (SepaCreditorId is not null || string.IsNullOrWhiteSpace(fromProvider))
            return false;
        try
        {
            SepaCreditorId = BankIdentifiers.NormalizeSepaCreditorId(fromProvider);
        }
        catch (DomainException)
        {
            return false;
        }
        return SepaCreditorId is not null;
    }

    private static string? Text(string? value, int max, string what)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return null;
        return trimmed.Length > max ? throw new DomainException($"{what} has at most {max} characters.") : trimmed;
    }
}

/// <summary>French company numbers and VAT numbers.</summary>
public static partial class CompanyIdentifiers
{
    // La Poste's establishments do not follow the Luhn rule: INSEE checks their SIRET by the sum of its digits.
    private const string LaPosteSiren = "356000000";

    /// <summary>A SIREN: nine digits whose Luhn checksum holds. Spaces are allowed in, not kept.</summary>
    public static string? NormalizeSiren(string? value)
    {
        var siren = Compact(value);
        if (siren is null)
            return null;
        if (!Digits().IsMatch(siren) || siren.Length != 9)
            throw new DomainException($"A SIREN has nine digits; '{value}' does not.");
        if (!Luhn(siren))
            throw new DomainException($"The SIREN {siren} is not valid (its check digit is wrong).");
        return siren;
    }

    /// <summary>A SIRET: fourteen digits (SIREN and establishment number) whose Luhn checksum holds.</summary>
    public static string? NormalizeSiret(string? value)
    {
        var siret = Compact(value);
        if (siret is null)
            return null;
        if (!Digits().IsMatch(siret) || siret.Length != 14)
            throw new DomainException($"A SIRET has fourteen digits; '{value}' does not.");
        var valid = Luhn(siret) || (siret.StartsWith(LaPosteSiren, StringComparison.Ordinal) && siret.Sum(c => c - '0') % 5 == 0);
        if (!valid)
            throw new DomainException($"The SIRET {siret} is not valid (its check digit is wrong).");
        return siret;
    }

    /// <summary>
    /// An intra-EU VAT number. A French one (FR, two-digit key, SIREN) must have the key computed from its SIREN,
    /// and that SIREN must be the firm's when the firm gave one. Other countries' numbers are checked for shape only.
    /// </summary>
    public static string? NormalizeVatNumber(string? value, string? firmSiren = null)
    {
        var vat = Compact(value)?.ToUpperInvariant();
        if (vat is null)
            return null;
        if (!VatShape().IsMatch(vat))
            throw new DomainException($"'{value}' is not a VAT number: two letters of the country, then its number.");
        if (!vat.StartsWith("FR", StringComparison.Ordinal))
            return vat;
        if (vat.Length != 13 || !Digits().IsMatch(vat[4..]))
            throw new DomainException($"A French VAT number is FR, a two-character key and the nine digits of the SIREN; '{value}' is not.");
        var siren = vat[4..];
        if (!Luhn(siren))
            throw new DomainException($"The French VAT number {vat} does not hold a valid SIREN.");
        if (Digits().IsMatch(vat[2..4]) && vat[2..4] != FrenchVatKey(siren))
            throw new DomainException($"The French VAT number {vat} has the wrong key: FR{FrenchVatKey(siren)}{siren} is expected.");
        if (firmSiren is not null && siren != firmSiren)
            throw new DomainException($"The VAT number {vat} is for the SIREN {siren}, not the firm's SIREN {firmSiren}.");
        return vat;
    }

    /// <summary>The numeric key of a French VAT number: (12 + 3 × (SIREN mod 97)) mod 97, on two digits.</summary>
    public static string FrenchVatKey(string siren) => ((12 + 3 * (long.Parse(siren, System.Globalization.CultureInfo.InvariantCulture) % 97)) % 97).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

    internal static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                    digit -= 9;
            }
            sum += digit;
        }
        return sum % 10 == 0;
    }

    internal static string? Compact(string? value)
    {
        var compact = value?.Replace(" ", "", StringComparison.Ordinal).Replace("\u00A0", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal);
        return string.IsNullOrEmpty(compact) ? null : compact;
    }

    [GeneratedRegex("^[0-9]+$")]
    private static partial Regex Digits();

    [GeneratedRegex("^[A-Z]{2}[0-9A-Z+*]{2,13}$")]
    private static partial Regex VatShape();
}

/// <summary>International bank account numbers and bank identifier codes, as a SEPA transfer needs them.</summary>
public static partial class BankIdentifiers
{
    /// <summary>An IBAN: country, two check digits and up to 30 letters or digits, whose ISO 7064 mod-97 remainder is 1.</summary>
    public static string? NormalizeIban(string? value)
    {
        var iban = CompanyIdentifiers.Compact(value)?.ToUpperInvariant();
        if (iban is null)
            return null;
        if (!IbanShape().IsMatch(iban))
            throw new DomainException($"'{value}' is not an IBAN: two letters of the country, two check digits, then the account (15 to 34 characters in all).");
        if (Mod97(iban[4..] + iban[..4]) != 1)
            throw new DomainException($"The IBAN {Grouped(iban)} is not valid (its check digits do not match); check it against the bank's document.");
        return iban;
    }

    /// <summary>A BIC: four letters of the bank, two of the country, two letters or digits of the place, and an optional branch.</summary>
    public static string? NormalizeBic(string? value)
    {
        var bic = CompanyIdentifiers.Compact(value)?.ToUpperInvariant();
        if (bic is null)
            return null;
        return BicShape().IsMatch(bic)
            ? bic
            : throw new DomainException($"'{value}' is not a BIC: 8 or 11 letters and digits (bank, country, place, optional branch).");
    }

    /// <summary>
    /// A SEPA creditor identifier: country, two check digits, a three-character business code the check leaves out, then
    /// the national identifier (in France, ZZZ and six characters: FR72ZZZ123456). Its check digits follow the IBAN's
    /// rule, ISO 7064 mod 97, over the national identifier and the country.
    /// </summary>
    public static string? NormalizeSepaCreditorId(string? value)
    {
        var id = CompanyIdentifiers.Compact(value)?.ToUpperInvariant();
        if (id is null)
            return null;
        if (!CreditorIdShape().IsMatch(id))
            throw new DomainException($"'{value}' is not a SEPA creditor identifier: two letters of the country, two check digits, a three-character business code, then the national identifier (for example FR72ZZZ123456).");
        if (Mod97(id[7..] + id[..4]) != 1)
            throw new DomainException($"The SEPA creditor identifier {id} is not valid (its check digits do not match); copy it from your mandates or your bank's letter.");
        return id;
    }

    /// <summary>The IBAN in groups of four, as people read and type it.</summary>
    public static string Grouped(string iban) => string.Join(' ', iban.Chunk(4).Select(c => new string(c)));

    private static int Mod97(string rearranged)
    {
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var value = char.IsDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
        }
        return remainder;
    }

    [GeneratedRegex("^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")]
    private static partial Regex IbanShape();

    [GeneratedRegex("^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")]
    private static partial Regex BicShape();

    [GeneratedRegex("^[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$")]
    private static partial Regex CreditorIdShape();
}
