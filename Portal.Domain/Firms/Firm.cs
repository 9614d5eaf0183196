using System.Text.RegularExpressions;

namespace Portal.Domain.Firms;

/// <summary>A tenant: a firm that sends invoices and collects payment through Portal.</summary>
public sealed partial class Firm
{
    private Firm() { }

    public Firm(string key, string name, Currency defaultCurrency, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7();
        Key = NormalizeKey(key);
        Rename(name);
        DefaultCurrency = defaultCurrency;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    /// <summary>Short, URL-safe and unique: it appears in webhook URLs (<c>/webhooks/stripe/{key}</c>).</summary>
    public string Key { get; private set; } = "";
    public string Name { get; private set; } = "";
    public Currency DefaultCurrency { get; private set; }
    public string InvoicePrefix { get; private set; } = "INV-";
    /// <summary>The number the next issued invoice takes. Only issuing moves it, so numbers have no gaps.</summary>
    public int NextInvoiceNumber { get; private set; } = 1;
    public string? PrimaryColor { get; private set; }
    /// <summary>A small logo as a data: URL (PNG, JPEG or SVG), shown on the client portal.</summary>
    public string? LogoDataUrl { get; private set; }
    public PaymentPolicy Policy { get; private set; } = new();
    public DateTimeOffset CreatedAt { get; private set; }

    public void Rename(string name)
    {
        name = name.Trim();
        if (name.Length is 0 or > 120)
            throw new DomainException("A firm name must have between 1 and 120 characters.");
        Name = name;
    }

    public void ChangeDefaultCurrency(Currency currency) => DefaultCurrency = currency;

    public void SetInvoicePrefix(string prefix)
    {
        prefix = prefix.Trim();
        if (prefix.Length > 12)
            throw new DomainException("An invoice prefix has at most 12 characters.");
        InvoicePrefix = prefix;
    }

    public void Brand(string? primaryColor, string? logoDataUrl)
    {
        if (primaryColor is not null && !HexColor().IsMatch(primaryColor))
            throw new DomainException("The primary colour must be a hex colour such as #1E88E5.");
        if (logoDataUrl is not null && (!logoDataUrl.StartsWith("data:image/", StringComparison.Ordinal) || logoDataUrl.Length > 200_000))
            throw new DomainException("The logo must be a PNG, JPEG or SVG image of at most 150 KB.");
        PrimaryColor = primaryColor;
        LogoDataUrl = logoDataUrl;
    }

    public void ChangePolicy(PaymentPolicy policy)
    {
        policy.Validate();
        Policy = policy;
    }

    /// <summary>Takes the next invoice number. Call only when an invoice is issued, in the same transaction.</summary>
    public string TakeInvoiceNumber()
    {
        var number = $"{InvoicePrefix}{NextInvoiceNumber:D5}";
        NextInvoiceNumber++;
        return number;
    }

    public static string NormalizeKey(string key)
    {
        key = key.Trim().ToLowerInvariant();
        if (!KeyPattern().IsMatch(key))
            throw new DomainException("A firm key has 3 to 40 lowercase letters, digits or hyphens, and starts with a letter.");
        return key;
    }

    /// <summary>
    /// A key made from the firm's name when the person signing up gives none: accents dropped, words joined by hyphens
    /// ("Cabinet Élise Martin &amp; Fils" → "cabinet-elise-martin-fils"), "firm-" in front of a name that starts with a
    /// digit or is too short, cut at 40. Null when nothing usable is left (a name in another script): then a key must be given.
    /// </summary>
    public static string? KeyFromName(string name)
    {
        var plain = new System.Text.StringBuilder();
        foreach (var c in name.Normalize(System.Text.NormalizationForm.FormD).ToLowerInvariant())
        {
            if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark)
                continue;
            plain.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-');
        }
        var key = string.Join('-', plain.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (key.Length == 0)
            return null;
        if (key[0] is < 'a' or > 'z' || key.Length < 3)
            key = "firm-" + key;
        key = key.Length > 40 ? key[..40].TrimEnd('-') : key;
        return KeyPattern().IsMatch(key) ? key : null;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{2,39}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex HexColor();
}
