using System.Globalization;
using System.Resources;

namespace Portal.Documents;

/// <summary>The documents' texts and the document pages' labels, in DocumentText.resx (English) and DocumentText.fr.resx (French).</summary>
public sealed class DocumentText;

/// <summary>
/// Words, amounts and dates of one document in one language. A PDF is often made outside any request (an email
/// attachment), so it takes its culture explicitly rather than from the current thread.
/// </summary>
internal sealed class DocumentLanguage
{
    private static readonly ResourceManager Resources = new(typeof(DocumentText));

    public DocumentLanguage(CultureInfo culture)
    {
        IsFrench = culture.TwoLetterISOLanguageName == "fr";
        Language = CultureInfo.GetCultureInfo(IsFrench ? "fr" : "en");
        // Amounts and dates need a region; a bare language means the European form, as on the pages.
        Formatting = culture.IsNeutralCulture ? CultureInfo.GetCultureInfo(IsFrench ? "fr-FR" : "en-GB") : culture;
    }

    public bool IsFrench { get; }
    public CultureInfo Language { get; }
    public CultureInfo Formatting { get; }

    public string this[string key] => Resources.GetString(key, Language) ?? key;

    public string Format(string key, params object[] values) => string.Format(Formatting, this[key], values);

    public string Money(Portal.Domain.Money amount) => Portal.Components.Shared.MoneyFormat.Format(amount, Formatting);

    public string Date(DateOnly date) => Portal.Components.Shared.DateFormat.Show(date, Formatting);

    public string Quantity(decimal quantity) => quantity.ToString("0.###", Formatting);

    public string Rate(int basisPoints) => (basisPoints / 100m).ToString("0.##", Formatting) + (IsFrench ? "\u00A0%" : "%");
}
