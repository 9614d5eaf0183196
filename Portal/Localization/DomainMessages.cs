using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Portal.Components.Shared;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Payments;

namespace Portal.Localization;

/// <summary>
/// A broken business rule in the reader's language. The domain speaks English; its messages' templates are the
/// keys of Errors.resx, translated in Errors.fr.resx, and filled in here with amounts, dates and numbers
/// formatted for the reader's culture (the current UI culture and culture of the request or circuit), and
/// statuses and payment methods named as the screens name them. A message without a translation is shown as it is.
/// </summary>
public static class DomainMessages
{
    private static readonly ResourceManager Errors = new("Portal.Localization.Errors", typeof(DomainMessages).Assembly);

    // A few messages reach DomainException as finished strings (built by a switch or a helper); they are
    // recognised by the English template they were made from.
    private static readonly Lazy<IReadOnlyList<(Regex Pattern, string Template)>> FinishedMessages = new(ReadTemplatesWithHoles);

    public static string ToText(this DomainException exception, IStringLocalizer<Text> T)
    {
        var uiCulture = CultureInfo.CurrentUICulture;
        var culture = CultureInfo.CurrentCulture;
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
            return string.Format(culture, translation, arguments.Select(a => ForReader(a, T, uiCulture, culture)).ToArray());
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

    private static object? ForReader(object? argument, IStringLocalizer<Text> T, CultureInfo uiCulture, CultureInfo culture) => argument switch
    {
        Money money => MoneyFormat.Format(money, culture),
        // Mid-sentence, a status or a method reads in lower case: « payé », « carte ».
        PaymentStatus status => PaymentText.Status(T, status).ToLower(uiCulture),
        PaymentMethod method => PaymentText.Method(T, method).ToLower(uiCulture),
        Enum value when T[value.GetType().Name + value] is { ResourceNotFound: false } label => label.Value.ToLower(uiCulture),
        _ => argument,
    };

    // A finished message holds the status it was built with as its English name ("A Succeeded payment …").
    private static object? Recognised(string value) =>
        Enum.TryParse<PaymentStatus>(value, ignoreCase: false, out var status) && Enum.IsDefined(status) && !char.IsDigit(value[0]) ? status : value;

    private static (string Template, object?[] Arguments)? Recognise(string message)
    {
        foreach (var (pattern, template) in FinishedMessages.Value)
        {
            if (pattern.Match(message) is { Success: true } match)
                return (template, match.Groups.Cast<Group>().Skip(1).Select(g => Recognised(g.Value)).ToArray());
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
