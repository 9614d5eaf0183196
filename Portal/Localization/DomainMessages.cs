using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text;
using System.Text.RegularExpressions;
using Portal.Components.Shared;
using Portal.Domain;

namespace Portal.Localization;

/// <summary>
/// A broken business rule in the reader's language. The domain speaks English; its messages' templates are the
/// keys of Errors.resx, translated in Errors.fr.resx, and filled in here with amounts, dates and numbers
/// formatted for the reader's culture. A message without a translation is shown as it is.
/// </summary>
public static class DomainMessages
{
    private static readonly ResourceManager Errors = new("Portal.Localization.Errors", typeof(DomainMessages).Assembly);
    private static readonly ResourceManager Texts = new("Portal.Localization.Text", typeof(DomainMessages).Assembly);

    // A few messages reach DomainException as finished strings (built by a switch or a helper); they are
    // recognised by the English template they were made from.
    private static readonly Lazy<IReadOnlyList<(Regex Pattern, string Template)>> FinishedMessages = new(ReadTemplatesWithHoles);

    public static string ToText(this DomainException exception, CultureInfo? uiCulture = null, CultureInfo? culture = null)
    {
        uiCulture ??= CultureInfo.CurrentUICulture;
        culture ??= CultureInfo.CurrentCulture;
        var template = exception.Template;
        var arguments = exception.Arguments.ToArray();
        var translation = Translation(template, uiCulture);
        if (translation is null && arguments.Length == 0 && Recognise(exception.Message) is { } recognised)
        {
            (template, arguments) = recognised;
            translation = Translation(template, uiCulture);
        }
        if (translation is null)
            return exception.Message;
        try
        {
            return string.Format(culture, translation, arguments.Select(a => ForReader(a, uiCulture, culture)).ToArray());
        }
        catch (FormatException)
        {
            return exception.Message;
        }
    }

    private static string? Translation(string template, CultureInfo uiCulture)
    {
        var text = Errors.GetString(template, uiCulture);
        // The neutral resource holds the English templates themselves: getting the key back means English.
        return text is null || text == template ? null : text;
    }

    private static object? ForReader(object? argument, CultureInfo uiCulture, CultureInfo culture) => argument switch
    {
        Money money => MoneyFormat.Format(money, culture),
        // Statuses and payment methods have labels in Text.resx ("PaymentStatusSucceeded"); mid-sentence, in lower case.
        Enum value when Texts.GetString(value.GetType().Name + value, uiCulture) is { Length: > 0 } label => label.ToLower(uiCulture),
        _ => argument,
    };

    private static (string Template, object?[] Arguments)? Recognise(string message)
    {
        foreach (var (pattern, template) in FinishedMessages.Value)
        {
            if (pattern.Match(message) is { Success: true } match)
                return (template, match.Groups.Cast<Group>().Skip(1).Select(g => (object?)g.Value).ToArray());
        }
        return null;
    }

    private static IReadOnlyList<(Regex, string)> ReadTemplatesWithHoles()
    {
        var templates = Errors.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)?
            .Cast<DictionaryEntry>().Select(e => (string)e.Key).Where(HasHoles).ToList() ?? [];
        return templates.Select(t => (new Regex(PatternOf(t), RegexOptions.CultureInvariant | RegexOptions.Singleline), t)).ToList();
    }

    private static bool HasHoles(string template) => template.Replace("{{", "", StringComparison.Ordinal).Contains('{', StringComparison.Ordinal);

    private static string PatternOf(string template)
    {
        var pattern = new StringBuilder("^");
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                pattern.Append(Regex.Escape(c.ToString()));
                i++;
            }
            else if (c == '{')
            {
                i = template.IndexOf('}', i);
                pattern.Append("(.+?)");
            }
            else
                pattern.Append(Regex.Escape(c.ToString()));
        }
        return pattern.Append('$').ToString();
    }
}
