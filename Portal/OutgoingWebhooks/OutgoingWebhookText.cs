using System.Globalization;
using System.Resources;

namespace Portal.OutgoingWebhooks;

/// <summary>The texts of the webhook pages and of the owner's email (OutgoingWebhookText.resx, .fr.resx).</summary>
public sealed class OutgoingWebhookText;

/// <summary>The email an owner gets when Portal disables one of their endpoints, in the owner's language.</summary>
internal static class WebhookDisabledMail
{
    private static readonly ResourceManager Texts = new("Portal.OutgoingWebhooks.OutgoingWebhookText", typeof(OutgoingWebhookText).Assembly);

    public static (string Subject, string Text) For(string? culture, string url)
    {
        var language = CultureInfo.GetCultureInfo(culture is { Length: > 0 } c && c.StartsWith("fr", StringComparison.OrdinalIgnoreCase) ? "fr-FR" : "en-GB");
        return (Texts.GetString("DisabledMailSubject", language)!, string.Format(language, Texts.GetString("DisabledMailText", language)!, url));
    }
}
