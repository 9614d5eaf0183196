using System.Globalization;
using System.Text;
using Portal.Domain;

namespace Portal.Documents;

/// <summary>
/// The payload of an EPC QR code ("GiroCode", EPC069-12 version 002): a SEPA credit transfer a banking app fills in
/// when the client scans it. Lines, separated by LF: BCD, 002, 1 (UTF-8), SCT, BIC (optional in the EEA), name
/// (≤ 70), IBAN, EUR amount (0.01 to 999999999.99, point as separator), purpose (empty), structured reference
/// (empty), unstructured remittance (≤ 140: the invoice number). The payload must not pass 331 bytes and its
/// last line has no LF after it.
/// </summary>
public static class EpcPayload
{
    public const int MaxBytes = 331;
    private const long MaxAmountMinor = 999_999_999_99;

    /// <summary>The payload for paying <paramref name="amount"/>; null when an EPC code cannot be offered (not EUR, no IBAN, nothing due).</summary>
    public static string? For(string beneficiaryName, string? iban, string? bic, Money amount, string remittance)
    {
        if (string.IsNullOrEmpty(iban) || amount.Currency != Currency.EUR || !amount.IsPositive || amount.Minor > MaxAmountMinor)
            return null;
        var name = OneLine(beneficiaryName);
        if (name.Length > 70)
            name = name[..70];
        var reference = OneLine(remittance);
        if (reference.Length > 140)
            reference = reference[..140];
        var perEuro = Currency.EUR.MinorPerMajor;
        var euros = (amount.Minor / perEuro).ToString(CultureInfo.InvariantCulture) + "." + (amount.Minor % perEuro).ToString("D2", CultureInfo.InvariantCulture);
        var payload = string.Join('\n', "BCD", "002", "1", "SCT", bic ?? "", name, iban, "EUR" + euros, "", "", reference);
        return Encoding.UTF8.GetByteCount(payload) <= MaxBytes ? payload : null;
    }

    // A line break inside a field would shift every field after it.
    private static string OneLine(string value) => string.Join(' ', value.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
