using System.Globalization;
using System.Resources;
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

    public static string ToText(this DomainException exception, IStringLocalizer<Text> T)
    {
        var uiCulture = CultureInfo.CurrentUICulture;
        var culture = CultureInfo.CurrentCulture;
        var translation = Translation(exception.Template, uiCulture);
        if (translation is null)
            return exception.Message;
        try
        {
            return string.Format(culture, translation, exception.Arguments.Select(a => ForReader(a, T, uiCulture, culture)).ToArray());
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
        DateOnly date => DateFormat.Show(date, culture),
        // Mid-sentence, a status or a method reads in lower case: « payé », « carte ».
        PaymentStatus status => PaymentText.Status(T, status).ToLower(uiCulture),
        PaymentMethod method => PaymentText.Method(T, method).ToLower(uiCulture),
        Enum value when T[value.GetType().Name + value] is { ResourceNotFound: false } label => label.Value.ToLower(uiCulture),
        _ => argument,
    };
}
